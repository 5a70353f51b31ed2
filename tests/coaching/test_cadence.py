from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sustain.coaching import charts, selectors, services
from sustain.coaching.models import CoachingPolicy
from sustain.notify.models import OutboxMessage
from sustain.orgs.models import Person
from tests.conftest import Api, Cast, Login

pytestmark = pytest.mark.django_db


def _observe(cast: Cast, rep: Person, date: dt.date) -> None:
    services.observation_create(
        observer=cast.manager if rep == cast.rep else cast.other_manager,
        rep=rep,
        date=date,
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": cast.concept.pk, "score": 3, "evidence": ""}],
    )


def _team_cov(cast: Cast, today: dt.date) -> dict[str, Any]:
    return selectors.coverage(reps=selectors.team_reps([cast.team.pk]), today=today)


def test_it_counts_only_trained_reps_as_due(cast: Cast, today: dt.date) -> None:
    assert _team_cov(cast, today)["due"] == 0


def test_it_marks_a_rep_never_observed_overdue_after_the_interval(
    trained: Cast, today: dt.date
) -> None:
    cov = _team_cov(trained, today)
    # Trained 30 days ago, 2 a month in the first 90 days: due every 15 days.
    assert (cov["due"], cov["on_time"], cov["coverage"]) == (1, 0, 0.0)
    assert cov["overdue"][0].rep == trained.rep
    assert cov["overdue"][0].days_overdue == 15


def test_it_counts_a_recent_observation_on_time(trained: Cast, today: dt.date) -> None:
    _observe(trained, trained.rep, today - dt.timedelta(days=10))
    assert _team_cov(trained, today)["coverage"] == 1.0
    assert _team_cov(trained, today + dt.timedelta(days=6))["coverage"] == 0.0


def test_it_slows_to_the_steady_rate_after_the_intensive_period(
    trained: Cast, today: dt.date
) -> None:
    trained.program.enrollments.update(trained_on=today - dt.timedelta(days=200))
    _observe(trained, trained.rep, today - dt.timedelta(days=25))
    assert _team_cov(trained, today)["coverage"] == 1.0
    CoachingPolicy.objects.create(program=trained.program, steady_per_month=2)
    assert _team_cov(trained, today)["coverage"] == 0.0


def test_it_answers_team_coverage_with_the_fixed_contract(
    trained: Cast, api: Api, today: dt.date
) -> None:
    body = api(trained.manager).get(f"/teams/{trained.team.pk}/coverage").json()
    assert body == {
        "due": 1,
        "on_time": 0,
        "coverage": 0.0,
        "overdue_reps": [
            {"id": trained.rep.pk, "name": "Rita Rep", "last_observed": None, "days_overdue": 15}
        ],
    }


def test_it_lists_overdue_reps_first_on_the_manager_home(trained: Cast, login: Login) -> None:
    page = login(trained.manager).get("/").content.decode()
    assert "coaching-panel" in page
    assert page.index("Rita Rep") < page.index("Your team")


def test_it_nudges_behind_managers_once_a_week(trained: Cast, today: dt.date) -> None:
    _observe(trained, trained.other_rep, today)
    assert services.managers_nudge(today=today) == 1
    assert services.managers_nudge(today=today) == 0
    message = OutboxMessage.objects.get(kind="coaching_nudge")
    assert message.recipient == trained.manager
    assert "Rita Rep" in message.body
    assert services.managers_nudge(today=today + dt.timedelta(days=7)) == 1


def test_it_registers_the_nudge_sweep() -> None:
    from sustain.notify.periodic import SWEEPS

    assert "sustain.coaching.tasks.nudge_managers" in [path for _, path, _ in SWEEPS]


def test_it_shows_managers_who_stopped_coaching_to_leaders(
    trained: Cast, login: Login, today: dt.date
) -> None:
    _observe(trained, trained.rep, today - dt.timedelta(days=28))
    _observe(trained, trained.other_rep, today - dt.timedelta(days=2))
    stalled = selectors.stalled_observers(program=trained.program, today=today)
    assert [r["manager"] for r in stalled] == [trained.manager]
    # The pages read them as stored in the background (coaching.CoachingSummary).
    services.coaching_summary_refresh(program=trained.program)
    for viewer in (trained.owner, trained.executive):
        page = login(viewer).get(f"/coaching/program/{trained.program.pk}/").content.decode()
        assert "Managers who stopped coaching" in page and "Mia Manager" in page
        assert "Mia Manager" in login(viewer).get("/").content.decode()


def test_it_builds_the_skill_trend_and_distribution(trained: Cast, today: dt.date) -> None:
    _observe(trained, trained.rep, today - dt.timedelta(days=20))
    _observe(trained, trained.rep, today)
    spec = charts.skill_trend_spec(rep=trained.rep)
    assert [v["score"] for v in spec["data"]["values"]] == [3, 3]
    rows = selectors.distribution_rows(
        program=trained.program, reps=Person.objects.filter(role="rep")
    )
    assert rows == [
        {"concept": "Discovery", "position": 0, "score": 3, "level": "Proficient", "reps": 1}
    ]


def test_it_keeps_program_coverage_queries_fixed(
    trained: Cast, today: dt.date, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(5):
        selectors.coverage(
            reps=selectors.team_reps([trained.team.pk, trained.other_team.pk]), today=today
        )


def test_it_lists_overdue_reps_before_reps_on_time(
    trained: Cast, login: Login, today: dt.date
) -> None:
    _observe(trained, trained.rep, today)
    from sustain.orgs.services import person_create

    person_create(
        organization=trained.org,
        email="late@acme.example",
        name="Lara Late",
        role="rep",
        team=trained.team,
    )
    trained.program.enrollments.create(
        person=Person.objects.get(name="Lara Late"), trained_on=today - dt.timedelta(days=40)
    )
    page = login(trained.manager).get("/").content.decode()
    assert page.index("Lara Late") < page.index("Rita Rep")
    assert "overdue 25 d" in page


def test_it_leaves_a_blank_row_for_a_manager_who_stopped(trained: Cast, today: dt.date) -> None:
    # Enrolled long before: an observation may not predate the enrollment.
    trained.program.enrollments.update(enrolled_at=timezone.now() - dt.timedelta(days=90))
    _observe(trained, trained.rep, today - dt.timedelta(days=60))
    _observe(trained, trained.other_rep, today)
    cells = selectors.observer_weeks(program=trained.program, today=today, weeks=12)
    assert cells == [
        {"observer": "Mia Manager", "week": -8, "observations": 1},
        {"observer": "Otto Othermanager", "week": 0, "observations": 1},
    ]
