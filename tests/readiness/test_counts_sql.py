"""The readiness figures read in SQL (the training order per team, the measurement
groups' sizes), on the small cast worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.orgs.models import Team
from sustain.programs import services as program_services
from sustain.programs.models import Enrollment
from sustain.programs.selectors import GroupSizes, measurement_group_sizes_for, measurement_groups
from sustain.readiness import checks
from sustain.readiness.checks import TeamTrainingOrder, training_order_of, training_order_page
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(cast: Cast) -> Cast:
    """Mia (West 1) trained on 1 March, her rep Rita on 10 March; Oscar (West 2) booked
    on the 5 March session, his manager Otto not enrolled."""
    session = program_services.session_create(
        program=cast.program, title="W", starts_on=dt.date(2026, 3, 5), ends_on=dt.date(2026, 3, 5)
    )
    mine = Enrollment.objects.filter(program=cast.program)
    mine.filter(person=cast.manager).update(trained_on=dt.date(2026, 3, 1))
    mine.filter(person=cast.rep).update(trained_on=dt.date(2026, 3, 10))
    mine.filter(person=cast.other_rep).update(session=session)
    return cast


def _rows(cast: Cast) -> list[TeamTrainingOrder]:
    return list(training_order_page(cast.program, page=1, per_page=50))


def test_it_orders_training_per_team(dated: Cast) -> None:
    assert [(r.team, r.manager, r.manager_date, r.first_rep_date, r.ok) for r in _rows(dated)] == [
        ("West 1", "Mia Manager", dt.date(2026, 3, 1), dt.date(2026, 3, 10), True),
        ("West 2", "Otto Othermanager", None, dt.date(2026, 3, 5), False),
    ]


def test_it_counts_the_teams_and_names_the_late_managers(dated: Cast) -> None:
    order = training_order_of([dated.program])[dated.program.pk]
    assert (order.n_teams, order.n_late) == (2, 1)
    assert [(r.team, r.manager, r.first_rep_date) for r in order.late] == [
        ("West 2", "Otto Othermanager", dt.date(2026, 3, 5))
    ]
    assert checks.managers_trained_first(order) == (
        False,
        "Trained after their reps, or not at all: Otto Othermanager (West 2).",
    )


def test_it_names_the_first_late_managers_and_counts_the_others(
    dated: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    Enrollment.objects.filter(person=dated.manager).update(trained_on=dt.date(2026, 3, 20))
    monkeypatch.setattr(checks, "LATE_NAMED", 1)
    order = training_order_of([dated.program])[dated.program.pk]
    assert (order.n_teams, order.n_late) == (2, 2)
    assert checks.managers_trained_first(order)[1] == (
        "Trained after their reps, or not at all: Mia Manager (West 1) and 1 more "
        "(see the managers' page)."
    )


def test_it_pages_a_managers_own_teams(dated: Cast) -> None:
    page = training_order_page(dated.program, page=1, per_page=1)
    assert ([r.team for r in page], page.paginator.count) == (["West 1"], 2)
    mine = training_order_page(dated.program, page=1, per_page=50, manager=dated.other_manager)
    assert [r.team for r in mine] == ["West 2"]


def test_it_skips_a_rep_who_missed_her_session(dated: Cast) -> None:
    Enrollment.objects.filter(person=dated.other_rep).update(attended=False)
    assert [r.team for r in _rows(dated)] == ["West 1"]
    assert training_order_of([dated.program])[dated.program.pk].n_teams == 1


def test_it_names_a_leaderless_team_and_orders_teams_by_name(dated: Cast) -> None:
    Team.objects.filter(pk=dated.other_team.pk).update(manager=None, name="Alpha")
    rows = _rows(dated)
    assert [(r.team, r.manager, r.manager_id, r.ok) for r in rows] == [
        ("Alpha", "no manager", None, False),
        ("West 1", "Mia Manager", dated.manager.pk, True),
    ]


def test_it_counts_the_measurement_groups(dated: Cast) -> None:
    # Two reps in the organization; only Rita has a training date (Oscar is booked).
    counts = measurement_group_sizes_for([dated.program])[dated.program.pk]
    assert counts == GroupSizes(n_trained=1, n_comparison=1)
    groups = measurement_groups(program=dated.program)
    assert (groups.n_trained, groups.n_comparison) == (1, 1)


def test_it_lists_the_teams_with_enrolled_reps_and_counts_them(cast: Cast) -> None:
    from sustain.readiness.selectors import pulse_teams
    from tests.conftest import make_person

    idle = Team.objects.create(organization=cast.org, name="Idle", manager=cast.manager)
    make_person(cast.org, "Ivy Idle", "rep", team=idle)  # not enrolled
    second = make_person(cast.org, "Rob Rep", "rep", team=cast.team)
    program_services.enrollment_create(program=cast.program, person=second)
    teams = pulse_teams(program=cast.program)
    assert [(t.name, t.reps) for t in teams] == [("West 1", 2), ("West 2", 1)]  # type: ignore[attr-defined]
    assert teams.count() == 2
