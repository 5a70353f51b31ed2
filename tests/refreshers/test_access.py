"""Refreshers in the access matrix: a person answers only her own cards; the question bank
and retention aggregates follow the program (trainer included); outsiders get 404."""

from __future__ import annotations

import pytest

from sustain.refreshers.models import Question, Review
from tests.conftest import Api, Cast, Login


def test_the_trainer_reads_the_bank_and_aggregates(
    api: Api, login: Login, cast: Cast, question: Question
) -> None:
    assert api(cast.trainer).get(f"/concepts/{cast.concept.pk}/questions").status_code == 200
    assert login(cast.trainer).get(f"/refreshers/program/{cast.program.pk}/").status_code == 200


def test_a_manager_and_a_rep_cannot_write_questions(api: Api, cast: Cast) -> None:
    data = {"prompt": "?", "choices": ["a", "b"], "answer": "a", "explanation": "e"}
    for person in (cast.manager, cast.rep, cast.trainer):
        assert api(person).post(f"/concepts/{cast.concept.pk}/questions", data).status_code == 403
    assert not Question.objects.exists()


def test_outsiders_get_404_everywhere(
    api: Api, login: Login, cast: Cast, question: Question
) -> None:
    client = api(cast.outsider)
    assert client.get(f"/concepts/{cast.concept.pk}/questions").status_code == 404
    assert (
        client.post(
            f"/concepts/{cast.concept.pk}/questions",
            {
                "prompt": "?",
                "choices": ["a", "b"],
                "answer": "a",
                "explanation": "e",
            },
        ).status_code
        == 404
    )
    assert client.get(f"/programs/{cast.program.pk}/refreshers/retention").status_code == 404
    assert client.post(f"/me/refreshers/{question.pk}/answer", {"answer": "x"}).status_code == 404
    assert client.get("/me/refreshers/due").json()["items"] == []
    web = login(cast.outsider)
    assert web.get(f"/refreshers/program/{cast.program.pk}/").status_code == 404
    assert web.post(f"/refreshers/{question.pk}/answer/", {"answer": "x"}).status_code == 404
    assert not Review.objects.exists()


def test_the_page_answers_a_due_refresher(login: Login, cast: Cast, question: Question) -> None:
    client = login(cast.manager)  # managers get refreshers too
    assert question.prompt in client.get("/refreshers/").content.decode()
    response = client.post(
        f"/refreshers/{question.pk}/answer/",
        {"answer": "The cost of the problem"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert b"Correct" in response.content
    second = client.post(f"/refreshers/{question.pk}/answer/", {"answer": "x"})
    assert second.status_code == 400
    assert Review.objects.count() == 1


def test_the_program_page_embeds_the_retention_charts(
    login: Login, cast: Cast, question: Question
) -> None:
    page = login(cast.owner).get(f"/refreshers/program/{cast.program.pk}/").content.decode()
    assert 'id="spec-concept"' in page and 'id="spec-team"' in page
    assert question.prompt in page


# The answer key: who reads a question's answer before answering it.
ANSWER_KEY = {
    "executive": True,
    "owner": True,
    "analyst": True,
    "admin": True,
    "trainer": True,
    "manager": False,
    "rep": False,
    "other_rep": False,
}


@pytest.mark.parametrize(("role", "sees"), ANSWER_KEY.items())
def test_it_gives_the_answer_key_only_to_those_who_write_and_review_the_bank(
    api: Api, login: Login, cast: Cast, question: Question, role: str, sees: bool
) -> None:
    person = cast.by_role(role)
    [row] = api(person).get(f"/concepts/{cast.concept.pk}/questions").json()["items"]
    assert (row["answer"], row["explanation"]) == (
        (question.answer, question.explanation) if sees else (None, None)
    )
    page = login(person).get(f"/refreshers/program/{cast.program.pk}/").content.decode()
    assert ('<td class="small" data-answer>The cost of the problem</td>' in page) == sees


def test_a_rep_reads_the_answer_after_she_has_answered(
    api: Api, login: Login, cast: Cast, question: Question
) -> None:
    client = api(cast.rep)
    client.post(f"/me/refreshers/{question.pk}/answer", {"answer": "The budget"})
    [row] = client.get(f"/concepts/{cast.concept.pk}/questions").json()["items"]
    assert row["answer"] == question.answer
    [other] = api(cast.other_rep).get(f"/concepts/{cast.concept.pk}/questions").json()["items"]
    assert other["answer"] is None


def test_it_shuffles_the_choices_at_each_showing_and_grades_the_text(
    api: Api, login: Login, cast: Cast, question: Question
) -> None:
    client = api(cast.rep)
    orders = {
        tuple(client.get("/me/refreshers/due").json()["items"][0]["choices"]) for _ in range(30)
    }
    assert len(orders) > 1
    assert all(sorted(o) == sorted(question.choices) for o in orders)
    pages = {
        login(cast.rep).get("/refreshers/").content.decode().index('The cost of the problem"')
        for _ in range(30)
    }
    assert len(pages) > 1
    body = client.post(
        f"/me/refreshers/{question.pk}/answer", {"answer": "The cost of the problem"}
    ).json()
    assert body["correct"] is True
