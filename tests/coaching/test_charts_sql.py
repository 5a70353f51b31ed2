"""The program page's charts counted in SQL: hand-worked counts on a small cast."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.coaching import selectors
from sustain.orgs.models import Person
from sustain.programs.models import Concept
from tests.coaching.conftest import observe_scores
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(trained: Cast, concept2: Concept, today: dt.date) -> Cast:
    c1, c2, days = trained.concept, concept2, dt.timedelta(days=1)
    trained.program.enrollments.update(trained_on=today - 100 * days)
    # Rep: Discovery 1 then 4 (latest 4); Closing scored once, 2.
    observe_scores(trained, trained.rep, today - 20 * days, {c1: 1, c2: 2})
    observe_scores(trained, trained.rep, today - 5 * days, {c1: 4})
    # Other rep: Closing 2; Discovery 2 then 3 on the same day (the later record wins).
    observe_scores(trained, trained.other_rep, today - 40 * days, {c2: 2})
    observe_scores(trained, trained.other_rep, today - 3 * days, {c1: 2})
    observe_scores(trained, trained.other_rep, today - 3 * days, {c1: 3})
    return trained


def _counts(rows: list[dict[str, object]]) -> list[tuple[object, object, object]]:
    return [(r["concept"], r["level"], r["reps"]) for r in rows]


def test_it_counts_each_reps_latest_score_per_concept(scored: Cast) -> None:
    reps = Person.objects.filter(role="rep")
    rows = selectors.distribution_rows(program=scored.program, reps=reps)
    assert _counts(rows) == [
        ("Discovery", "Proficient", 1),
        ("Discovery", "Role model", 1),
        ("Closing", "Developing", 2),
    ]


def test_it_counts_only_the_reps_in_scope(scored: Cast) -> None:
    reps = Person.objects.filter(pk=scored.rep.pk)
    rows = selectors.distribution_rows(program=scored.program, reps=reps)
    assert _counts(rows) == [("Discovery", "Role model", 1), ("Closing", "Developing", 1)]


def test_it_counts_observations_per_observer_and_week(scored: Cast, today: dt.date) -> None:
    days = dt.timedelta(days=1)
    # Boundaries: 6 days ago is this week, 7 days ago last week, 84 days ago out of 12 weeks.
    observe_scores(scored, scored.rep, today - 6 * days, {scored.concept: 3})
    observe_scores(scored, scored.rep, today - 7 * days, {scored.concept: 3})
    observe_scores(scored, scored.rep, today - 84 * days, {scored.concept: 3})
    cells = selectors.observer_weeks(program=scored.program, today=today, weeks=12)
    assert [(c["observer"], c["week"], c["observations"]) for c in cells] == [
        ("Mia Manager", -2, 1),
        ("Mia Manager", -1, 1),
        ("Mia Manager", 0, 2),
        ("Otto Othermanager", -5, 1),
        ("Otto Othermanager", 0, 2),
    ]
