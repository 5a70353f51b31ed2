"""Stored weekly refresher totals (RetentionStore, RetentionTotal): past weeks read from the
store, the current week counted live, the same figures either way."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from sustain.health.selectors import fade
from sustain.orgs.models import Person, Team
from sustain.refreshers import services
from sustain.refreshers.models import Card, Question, RetentionStore, RetentionTotal, Review
from sustain.refreshers.selectors import Stored, lowest_retention_teams, stored_state
from tests.conftest import Api, Cast

TODAY = timezone.localdate()
THIS_WEEK = TODAY - dt.timedelta(days=TODAY.weekday())
LAST_WEEK = THIS_WEEK - dt.timedelta(weeks=1)
TWO_WEEKS_AGO = THIS_WEEK - dt.timedelta(weeks=2)


def _at(day: dt.date) -> dt.datetime:
    # Monday noon, or now when that is earlier (this week's answers are never in the future).
    noon = services.local_midnight(day) + dt.timedelta(hours=12)
    return min(noon, timezone.now())


def _review(
    person: Person, question: Question, *, correct: bool, day: dt.date, team: Team | None
) -> None:
    card = Card.objects.get(person=person, question=question)
    Review.objects.create(
        card=card,
        person=person,
        concept=question.concept,
        team=team,
        answer="x",
        correct=correct,
        rating=3 if correct else 1,
        reviewed_at=_at(day),
        next_due=timezone.now(),
    )


def _history(cast: Cast, question: Question) -> None:
    """Two weeks ago: Rita (West 1) right, Oscar (West 2) wrong. Last week: Rita right and
    wrong, Oscar right. This week: Oscar wrong."""
    rita, oscar = cast.rep, cast.other_rep
    for person, correct, day in (
        (rita, True, TWO_WEEKS_AGO),
        (oscar, False, TWO_WEEKS_AGO),
        (rita, True, LAST_WEEK),
        (rita, False, LAST_WEEK),
        (oscar, True, LAST_WEEK),
        (oscar, False, THIS_WEEK),
    ):
        _review(person, question, correct=correct, day=day, team=person.team)


def _points(api: Api, viewer: Person, program_id: int, by: str) -> list[tuple[Any, ...]]:
    path = f"/programs/{program_id}/refreshers/retention?by={by}"
    items = api(viewer).get(path).json()["items"]
    return [(r["week"], r["group"], r["retention"], r["answers"]) for r in items]


def _by_concept() -> list[tuple[Any, ...]]:
    return [
        (TWO_WEEKS_AGO.isoformat(), "Discovery", 0.5, 2),
        (LAST_WEEK.isoformat(), "Discovery", 0.667, 3),
        (THIS_WEEK.isoformat(), "Discovery", 0.0, 1),
    ]


def _by_team() -> list[tuple[Any, ...]]:
    return [
        (TWO_WEEKS_AGO.isoformat(), "West 1", 1.0, 1),
        (TWO_WEEKS_AGO.isoformat(), "West 2", 0.0, 1),
        (LAST_WEEK.isoformat(), "West 1", 0.5, 2),
        (LAST_WEEK.isoformat(), "West 2", 1.0, 1),
        (THIS_WEEK.isoformat(), "West 2", 0.0, 1),
    ]


def test_it_gives_the_same_weekly_figures_stored_or_live(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)
    assert _points(api, cast.analyst, cast.program.pk, "concept") == _by_concept()
    assert _points(api, cast.analyst, cast.program.pk, "team") == _by_team()

    assert services.retention_totals_refresh(program=cast.program) >= 2

    assert RetentionStore.objects.get(program=cast.program).through == THIS_WEEK
    weeks = RetentionTotal.objects.filter(program=cast.program, by="concept")
    assert list(weeks.order_by("period").values_list("period", "answers")) == [
        (TWO_WEEKS_AGO, 2),
        (LAST_WEEK, 3),
        (THIS_WEEK, 1),
    ]
    assert stored_state(cast.program).whole
    assert _points(api, cast.analyst, cast.program.pk, "concept") == _by_concept()
    assert _points(api, cast.analyst, cast.program.pk, "team") == _by_team()


def test_it_counts_a_new_answer_this_week_and_keeps_past_weeks(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)
    services.retention_totals_refresh(program=cast.program)
    card = Card.objects.get(person=cast.rep, question=question)

    services.refresher_answer(person=cast.rep, card=card, answer="The cost of the problem")

    by_concept = _points(api, cast.analyst, cast.program.pk, "concept")
    assert by_concept[:2] == _by_concept()[:2]
    assert by_concept[2] == (THIS_WEEK.isoformat(), "Discovery", 0.5, 2)
    assert _points(api, cast.analyst, cast.program.pk, "team")[-2:] == [
        (THIS_WEEK.isoformat(), "West 1", 1.0, 1),
        (THIS_WEEK.isoformat(), "West 2", 0.0, 1),
    ]
    assert RetentionStore.objects.get(program=cast.program).through == THIS_WEEK
    # The answer counted itself into the store: nothing is counted live.
    assert stored_state(cast.program).whole


def test_an_answer_written_around_the_service_is_counted_live(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)
    services.retention_totals_refresh(program=cast.program)
    assert stored_state(cast.program).whole

    _review(cast.rep, question, correct=True, day=THIS_WEEK, team=cast.team)

    assert not stored_state(cast.program).whole
    by_concept = _points(api, cast.analyst, cast.program.pk, "concept")
    assert by_concept == [*_by_concept()[:2], (THIS_WEEK.isoformat(), "Discovery", 0.5, 2)]


def test_a_back_dated_answer_puts_its_week_back_to_live(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)
    services.retention_totals_refresh(program=cast.program)
    card = Card.objects.get(person=cast.other_rep, question=question)
    Card.objects.filter(pk=card.pk).update(due=services.local_midnight(TWO_WEEKS_AGO))

    services.refresher_answer(
        person=cast.other_rep, card=card, answer="The budget", now=_at(LAST_WEEK)
    )

    assert RetentionStore.objects.get(program=cast.program).through == LAST_WEEK
    last_week = (LAST_WEEK.isoformat(), "Discovery", 0.5, 4)
    assert _points(api, cast.analyst, cast.program.pk, "concept")[1] == last_week
    services.retention_totals_refresh(program=cast.program)
    assert _points(api, cast.analyst, cast.program.pk, "concept")[1] == last_week


def test_a_deleted_question_takes_its_stored_answers_with_it(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)
    services.retention_totals_refresh(program=cast.program)

    services.question_delete(question=question)

    assert _points(api, cast.analyst, cast.program.pk, "concept") == []
    assert not RetentionTotal.objects.filter(program=cast.program).exists()


def test_the_sweep_rebuilds_totals_that_no_longer_add_up(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)
    services.retention_totals_refresh(program=cast.program)
    # A person deleted outside the services (Django's admin) takes her answers along.
    Review.objects.filter(person=cast.other_rep).delete()

    services.retention_totals_refresh_all()

    assert _points(api, cast.analyst, cast.program.pk, "concept") == [
        (TWO_WEEKS_AGO.isoformat(), "Discovery", 1.0, 1),
        (LAST_WEEK.isoformat(), "Discovery", 0.5, 2),
    ]


@pytest.mark.parametrize("stored", [False, True])
def test_a_team_under_the_minimum_group_size_stays_hidden(
    api: Api, cast: Cast, question: Question, stored: bool
) -> None:
    cast.org.min_group_size = 2
    cast.org.save(update_fields=["min_group_size"])
    # West 1: Rita and Oscar (answering while on it) last week. West 2: Mia alone.
    _review(cast.rep, question, correct=True, day=LAST_WEEK, team=cast.team)
    _review(cast.other_rep, question, correct=False, day=LAST_WEEK, team=cast.team)
    _review(cast.manager, question, correct=True, day=LAST_WEEK, team=cast.other_team)
    if stored:
        services.retention_totals_refresh(program=cast.program)

    assert _points(api, cast.manager, cast.program.pk, "team") == [
        (LAST_WEEK.isoformat(), "West 1", 0.5, 2)
    ]
    assert lowest_retention_teams(program=cast.program, viewer=cast.manager, n=5) == (
        [cast.team.pk],
        2,
    )


@pytest.mark.parametrize("same_person", [True, False])
def test_a_teams_people_count_across_stored_and_live_weeks(
    cast: Cast, question: Question, same_person: bool
) -> None:
    """West 2: Oscar last week (stored), then this week Oscar again (still one person:
    hidden at k = 2) or Mia (two people: shown)."""
    cast.org.min_group_size = 2
    cast.org.save(update_fields=["min_group_size"])
    _review(cast.other_rep, question, correct=True, day=LAST_WEEK, team=cast.other_team)
    services.retention_totals_refresh(program=cast.program)
    again = cast.other_rep if same_person else cast.manager
    _review(again, question, correct=False, day=THIS_WEEK, team=cast.other_team)

    shown = [] if same_person else [cast.other_team.pk]
    assert lowest_retention_teams(program=cast.program, viewer=cast.manager, n=5) == (shown, 1)


@pytest.mark.parametrize("same_person", [True, False])
def test_answers_counted_by_the_service_keep_a_teams_people(
    cast: Cast, question: Question, same_person: bool
) -> None:
    """West 1: Rita, or Oscar while on it, last week (stored); then Rita answers today."""
    cast.org.min_group_size = 2
    cast.org.save(update_fields=["min_group_size"])
    before = cast.rep if same_person else cast.other_rep
    _review(before, question, correct=True, day=LAST_WEEK, team=cast.team)
    services.retention_totals_refresh(program=cast.program)
    card = Card.objects.get(person=cast.rep, question=question)

    services.refresher_answer(person=cast.rep, card=card, answer="The budget")

    assert stored_state(cast.program).whole
    shown = [] if same_person else [cast.team.pk]
    assert lowest_retention_teams(program=cast.program, viewer=cast.manager, n=5) == (shown, 1)


def test_the_fade_counts_answers_per_week_since_the_workshop_stored_or_live(
    cast: Cast, question: Question
) -> None:
    cast.program.enrollments.update(trained_on=TWO_WEEKS_AGO)
    _history(cast, question)

    def answers() -> list[int]:
        data = fade(program=cast.program, today=TODAY)
        assert data is not None
        points = [p for p in data["points"] if p["series"] == "Refresher answers"]
        return [p["value"] for p in points][:3]

    # 2, 3 and 1 answers: as shares of the busiest week.
    assert answers() == [67, 100, 33]
    services.retention_totals_refresh(program=cast.program)
    assert RetentionTotal.objects.filter(program=cast.program, by="day").exists()
    assert answers() == [67, 100, 33]


def test_the_sweep_command_stores_every_programs_weeks(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)

    call_command("sweep", "refresher-totals-daily", stdout=io.StringIO())

    assert stored_state(cast.program) == Stored(THIS_WEEK, True)
    assert _points(api, cast.analyst, cast.program.pk, "concept") == _by_concept()


def test_the_api_pages_across_stored_and_live_weeks(
    api: Api, cast: Cast, question: Question
) -> None:
    _history(cast, question)
    services.retention_totals_refresh(program=cast.program)
    _review(cast.rep, question, correct=True, day=THIS_WEEK, team=cast.team)  # live now
    path = f"/programs/{cast.program.pk}/refreshers/retention?by=team&limit=2&offset="
    weeks = [r["week"] for r in api(cast.analyst).get(path + "1").json()["items"]]
    page = api(cast.analyst).get(path + "3").json()

    assert weeks == [TWO_WEEKS_AGO.isoformat(), LAST_WEEK.isoformat()]
    assert page["count"] == 6
    assert [(r["week"], r["group"]) for r in page["items"]] == [
        (LAST_WEEK.isoformat(), "West 2"),
        (THIS_WEEK.isoformat(), "West 1"),
    ]
