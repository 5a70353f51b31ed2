"""Kirkpatrick level 2 from refreshers, counted and averaged in SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sustain.orgs.models import Person
from sustain.refreshers import views
from sustain.refreshers.models import Card, Question, Review
from sustain.refreshers.selectors import lowest_retention_teams, retention_summary
from tests.conftest import Cast, Login

NOW = timezone.now()


def _review(card: Card, *, correct: bool, ago: dt.timedelta) -> None:
    Review.objects.create(
        card=card,
        person=card.person,
        concept=card.question.concept,
        answer="x",
        correct=correct,
        rating=3 if correct else 1,
        reviewed_at=NOW - ago,
        next_due=NOW,
    )


def _card(person: Person, question: Question, **fields: object) -> Card:
    Card.objects.filter(person=person, question=question).update(**fields)
    return Card.objects.select_related("question__concept", "person").get(
        person=person, question=question
    )


def test_it_summarizes_answers_and_predicted_recall(cast: Cast, question: Question) -> None:
    # Rita: reviewed 10 days and 3 hours ago with a stability of 10 days, so FSRS predicts
    # 90% recall (retrievability is 0.9 when the elapsed whole days equal the stability).
    rita = _card(
        cast.rep, question, stability=10.0, last_review=NOW - dt.timedelta(days=10, hours=3)
    )
    # Oscar: reviewed 12 hours ago, no whole day elapsed: 100%.
    oscar = _card(cast.other_rep, question, stability=5.0, last_review=NOW - dt.timedelta(hours=12))
    # The manager's card was never reviewed: not counted.
    _card(cast.manager, question, stability=None, last_review=None)
    _review(rita, correct=False, ago=dt.timedelta(days=40))
    _review(rita, correct=True, ago=dt.timedelta(days=10))
    _review(oscar, correct=False, ago=dt.timedelta(hours=12))

    summary = retention_summary(program=cast.program, now=NOW)

    assert summary is not None
    assert (summary["answers"], summary["people"], summary["correct"]) == (3, 2, 1 / 3)
    assert (summary["recent_answers"], summary["recent_people"]) == (2, 2)
    assert summary["recent_correct"] == 1 / 2
    assert (summary["cards"], summary["card_people"]) == (2, 2)
    assert summary["retrievability"] == pytest.approx(0.95, abs=1e-9)


def test_it_has_nothing_to_say_before_the_first_answer(cast: Cast, question: Question) -> None:
    assert retention_summary(program=cast.program, now=NOW) is None


def test_it_charts_the_teams_with_the_lowest_retention(
    cast: Cast, question: Question, login: Login, monkeypatch: Any
) -> None:
    for person, correct in ((cast.rep, True), (cast.other_rep, False)):
        card = _card(person, question)
        Review.objects.create(
            card=card,
            person=person,
            concept=cast.concept,
            team=person.team,
            answer="x",
            correct=correct,
            rating=3,
            reviewed_at=NOW,
            next_due=NOW,
        )
    assert lowest_retention_teams(program=cast.program, viewer=cast.owner, n=1) == (
        [cast.other_team.pk],
        2,
    )
    monkeypatch.setattr(views, "TEAMS_CHARTED", 1)
    page = login(cast.owner).get(f"/refreshers/program/{cast.program.pk}/").content.decode()
    assert "the 1 with the lowest retention of 2 teams" in page
    team_spec = page[page.index('id="spec-team"') :]
    assert "West 2" in team_spec and "West 1" not in team_spec
