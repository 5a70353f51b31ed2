"""Writing the question bank from the web and the API: write, preview, edit, delete, and
import a bank from CSV."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sustain.refreshers import selectors, services
from sustain.refreshers.models import Card, Question, Review
from tests.conftest import Api, Cast, Login
from tests.refreshers.conftest import TRAINED_ON

QUESTION = {
    "kind": "choice",
    "prompt": "Which question uncovers the cost of a problem?",
    "choice_1": "What does this cost you each quarter?",
    "choice_2": "Who else is involved?",
    "choice_3": "",
    "correct": "1",
    "explanation": "An impact question puts a number on the problem.",
}


def test_it_lets_the_owner_write_a_question_that_trained_people_get(
    login: Login, cast: Cast
) -> None:
    cast.program.enrollments.update(trained_on=TRAINED_ON)
    url = reverse("refreshers:question_create", args=[cast.concept.pk])
    response = login(cast.owner).post(url, QUESTION)
    assert response.status_code == 302
    question = Question.objects.get(concept=cast.concept)
    assert question.choices == [QUESTION["choice_1"], QUESTION["choice_2"]]
    assert question.answer == QUESTION["choice_1"]
    assert Card.objects.filter(question=question, person=cast.rep).exists()


def test_it_previews_a_question_as_a_rep_sees_it_without_saving(login: Login, cast: Cast) -> None:
    url = reverse("refreshers:question_create", args=[cast.concept.pk])
    response = login(cast.owner).post(url, {**QUESTION, "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "as a participant sees it" in page
    assert QUESTION["choice_2"] in page and QUESTION["explanation"] in page
    assert not Question.objects.exists()


def test_it_refuses_a_right_answer_that_is_an_empty_choice(login: Login, cast: Cast) -> None:
    url = reverse("refreshers:question_create", args=[cast.concept.pk])
    response = login(cast.owner).post(url, {**QUESTION, "correct": "3"})
    assert response.status_code == 200
    assert "Choice 3 is empty." in response.content.decode()
    assert not Question.objects.exists()


def test_it_edits_and_deletes_a_question(login: Login, cast: Cast, question: Question) -> None:
    client = login(cast.owner)
    edit = reverse("refreshers:question_edit", args=[question.pk])
    assert question.prompt in client.get(edit).content.decode()
    response = client.post(edit, {**QUESTION, "prompt": "Reworded?"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.prompt == "Reworded?"
    assert Card.objects.filter(question=question).exists()  # schedules are kept
    client.post(reverse("refreshers:question_delete", args=[question.pk]))
    assert not Question.objects.filter(pk=question.pk).exists()


def test_the_delete_page_says_how_many_answers_go_with_it(
    login: Login, cast: Cast, question: Question
) -> None:
    card = Card.objects.get(person=cast.rep, question=question)
    services.refresher_answer(person=cast.rep, card=card, answer=question.answer)
    page = login(cast.owner).get(reverse("refreshers:question_delete", args=[question.pk]))
    assert "1 answer to it will be removed" in page.content.decode()
    assert Review.objects.count() == 1


def test_it_grades_a_tried_answer_in_the_preview_and_records_nothing(
    login: Login, cast: Cast, question: Question
) -> None:
    url = reverse("refreshers:question_preview", args=[question.pk])
    page = login(cast.owner).post(url, {"answer": "The budget"}).content.decode()
    assert "Not quite" in page and "Impact questions put a number" in page
    assert not Review.objects.exists()


def test_it_keeps_the_bank_pages_to_program_editors(
    login: Login, cast: Cast, question: Question
) -> None:
    pages = [
        reverse("refreshers:bank", args=[cast.program.pk]),
        reverse("refreshers:question_create", args=[cast.concept.pk]),
        reverse("refreshers:question_edit", args=[question.pk]),
        reverse("refreshers:question_preview", args=[question.pk]),
        reverse("refreshers:bank_import", args=[cast.program.pk]),
    ]
    for person in (cast.rep, cast.manager, cast.trainer, cast.analyst):
        for url in pages:
            assert login(person).get(url).status_code == 403, (person.role, url)
    for url in pages:
        assert login(cast.outsider).get(url).status_code == 404, url
    assert login(cast.executive).get(pages[0]).status_code == 200
    assert question.prompt in login(cast.owner).get(pages[0]).content.decode()


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("bank.csv", text.encode(), content_type="text/csv")


def test_the_downloadable_template_imports_as_it_is(login: Login, cast: Cast) -> None:
    template = login(cast.owner).get(reverse("refreshers:bank_template"))
    assert template["Content-Disposition"].startswith("attachment")
    url = reverse("refreshers:bank_import", args=[cast.program.pk])
    response = login(cast.owner).post(url, {"file": _csv(template.content.decode())})
    assert response.status_code == 302
    assert Question.objects.get().answer == "What the problem costs"


def test_it_imports_nothing_and_names_row_and_column_of_each_problem(
    login: Login, cast: Cast
) -> None:
    text = (
        "concept,prompt,choice_1,choice_2,answer,explanation\n"
        "Discovery,Good one?,Yes,No,1,Because.\n"
        "Closing,Unknown concept?,Yes,No,Yes,Because.\n"
        "discovery,Answer not a choice?,Yes,No,Maybe,Because.\n"
    )
    url = reverse("refreshers:bank_import", args=[cast.program.pk])
    response = login(cast.owner).post(url, {"file": _csv(text)})
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [(3, "concept"), (4, "answer")]
    assert not Question.objects.exists()


def test_the_api_edits_and_deletes_a_question(api: Api, cast: Cast, question: Question) -> None:
    owner = api(cast.owner)
    response = owner.patch(f"/questions/{question.pk}", {"explanation": "Clearer."})
    assert response.status_code == 200, response.content
    assert response.json()["explanation"] == "Clearer."
    bad = owner.patch(f"/questions/{question.pk}", {"answer": "Not a choice"})
    assert bad.status_code == 400
    question.refresh_from_db()
    assert question.answer == "The cost of the problem"
    assert api(cast.rep).delete(f"/questions/{question.pk}").status_code == 403
    assert api(cast.outsider).delete(f"/questions/{question.pk}").status_code == 404
    assert owner.delete(f"/questions/{question.pk}").status_code == 204
    assert not Question.objects.exists()


def test_the_api_imports_a_bank_all_or_nothing(api: Api, cast: Cast) -> None:
    client = api(cast.owner).client
    url = f"/api/v1/programs/{cast.program.pk}/questions/import"
    good = "concept,prompt,choice_1,choice_2,answer,explanation\nDiscovery,Q?,A,B,B,Why.\n"
    bad = good + "Discovery,,A,A,A,\n"
    response = client.post(url, {"file": _csv(bad)})
    assert response.status_code == 400
    body = response.json()
    assert body["created"] == 0
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (3, "prompt"),
        (3, "choice_1"),
        (3, "explanation"),
    }
    assert not Question.objects.exists()
    response = client.post(url + "?dry_run=true", {"file": _csv(good)})
    assert response.json() == {"created": 1, "errors": []}
    assert not Question.objects.exists()
    assert client.post(url, {"file": _csv(good)}).json()["created"] == 1
    assert Question.objects.get().answer == "B"
    outsider = api(cast.outsider).client
    assert outsider.post(url, {"file": _csv(good)}).status_code == 404


def test_the_bank_counts_each_questions_answers(
    login: Login, cast: Cast, question: Question
) -> None:
    for person in (cast.rep, cast.other_rep):
        card = Card.objects.get(person=person, question=question)
        services.refresher_answer(person=person, card=card, answer=question.answer)
    card = Card.objects.get(person=cast.rep, question=question)
    services.refresher_answer(person=cast.rep, card=card, answer="not it", now=card.due)
    (concept,) = [
        c for c in selectors.bank_by_concept(program=cast.program) if c == question.concept
    ]
    counted = [(q.pk, getattr(q, "n_answers", None)) for q in concept.questions.all()]
    assert counted == [(question.pk, 3)]
    assert Review.objects.filter(card__question=question).count() == 3
