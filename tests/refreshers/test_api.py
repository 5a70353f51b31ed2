from __future__ import annotations

import datetime as dt

from sustain.refreshers import services
from sustain.refreshers.models import Card, Question, Review
from tests.conftest import Api, Cast


def test_it_lists_my_due_refreshers_with_the_fixed_contract(
    api: Api, cast: Cast, question: Question
) -> None:
    body = api(cast.rep).get("/me/refreshers/due").json()["items"]
    assert [q["id"] for q in body] == [question.pk]
    assert body[0]["concept"] == "Discovery"
    assert body[0]["prompt"] == question.prompt
    assert sorted(body[0]["choices"]) == sorted(question.choices)


def test_it_grades_my_answer_and_returns_the_next_due_date(
    api: Api, cast: Cast, question: Question
) -> None:
    response = api(cast.rep).post(
        f"/me/refreshers/{question.pk}/answer", {"answer": "The cost of the problem"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["correct"] is True
    assert dt.date.fromisoformat(body["next_due"]) > dt.date.today()
    assert api(cast.rep).get("/me/refreshers/due").json()["items"] == []


def test_it_refuses_an_answer_to_a_question_not_due(
    api: Api, cast: Cast, question: Question
) -> None:
    Card.objects.filter(person=cast.rep).update(
        due=services.day_start(dt.date.today() + dt.timedelta(days=5))
    )
    before = Card.objects.get(person=cast.rep).due
    response = api(cast.rep).post(f"/me/refreshers/{question.pk}/answer", {"answer": "x"})
    assert response.status_code == 400
    assert "not due" in response.json()["errors"]["answer"][0]
    assert Card.objects.get(person=cast.rep).due == before
    assert not Review.objects.exists()


def test_it_404s_an_answer_to_a_question_she_does_not_have(
    api: Api, cast: Cast, question: Question
) -> None:
    assert (
        api(cast.trainer).post(f"/me/refreshers/{question.pk}/answer", {"answer": "x"}).status_code
        == 404
    )
    assert api(cast.rep).post("/me/refreshers/999999/answer", {"answer": "x"}).status_code == 404


def test_the_owner_adds_a_question_and_participants_get_it(
    api: Api, cast: Cast, question: Question
) -> None:
    response = api(cast.owner).post(
        f"/concepts/{cast.concept.pk}/questions",
        {
            "kind": "scenario",
            "prompt": "The buyer says 'send me a brochure'. Next?",
            "choices": ["Send it", "Ask what prompted the request"],
            "answer": "Ask what prompted the request",
            "explanation": "Stay in discovery.",
        },
    )
    assert response.status_code == 201
    assert Card.objects.filter(question_id=response.json()["id"]).count() == 3


def test_it_rejects_an_answer_that_is_not_a_choice(api: Api, cast: Cast) -> None:
    response = api(cast.owner).post(
        f"/concepts/{cast.concept.pk}/questions",
        {"prompt": "?", "choices": ["a", "b"], "answer": "c", "explanation": "e"},
    )
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_the_retention_aggregates_group_by_concept_and_team(
    api: Api, cast: Cast, question: Question
) -> None:
    api(cast.rep).post(f"/me/refreshers/{question.pk}/answer", {"answer": "The budget"})
    api(cast.other_rep).post(
        f"/me/refreshers/{question.pk}/answer", {"answer": "The cost of the problem"}
    )
    path = f"/programs/{cast.program.pk}/refreshers/retention"
    by_concept = api(cast.analyst).get(path).json()["items"]
    assert [(r["group"], r["retention"], r["answers"]) for r in by_concept] == [
        ("Discovery", 0.5, 2)
    ]
    by_team = api(cast.analyst).get(path + "?by=team").json()["items"]
    assert {r["group"] for r in by_team} == {"West 1", "West 2"}
    assert api(cast.trainer).get(path + "?by=person").status_code == 422
    # Two people answered: below k = 5, the trainer, a manager and a rep get nothing.
    for person in (cast.trainer, cast.manager, cast.rep):
        assert api(person).get(path).json() == {"items": [], "count": 0}
        assert api(person).get(path + "?by=team").json() == {"items": [], "count": 0}
