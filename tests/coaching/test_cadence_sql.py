"""The cadence figures counted in SQL, on a small cast worked out by hand (the default
policy: every 15 days in the first 90 days after training, then every 30)."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.coaching import selectors, services
from sustain.coaching.models import CoachingPolicy
from sustain.orgs.models import Person, Role
from sustain.programs import services as program_services
from tests.conftest import Cast, Login, make_person

pytestmark = pytest.mark.django_db


def _observe(observer: Person, rep: Person, cast: Cast, date: dt.date) -> None:
    services.observation_create(
        observer=observer,
        rep=rep,
        date=date,
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": cast.concept.pk, "score": 3, "evidence": ""}],
    )


@pytest.fixture
def three(cast: Cast, today: dt.date) -> dict[str, Person]:
    """Three reps of Mia's team: late (trained 60 days ago, last observed 40 days ago: due
    25 days ago), never (trained 30 days ago, never observed: due 15 days ago), fresh
    (trained 30 days ago, observed 5 days ago: due in 10 days)."""
    reps = {}
    for name, trained in (("Lena Late", 60), ("Nina Never", 30), ("Fay Fresh", 30)):
        rep = make_person(cast.org, name, Role.REP, team=cast.team)
        program_services.enrollment_create(
            program=cast.program, person=rep, trained_on=today - dt.timedelta(days=trained)
        )
        reps[name.split()[1].lower()] = rep
    _observe(cast.manager, reps["late"], cast, today - dt.timedelta(days=40))
    _observe(cast.manager, reps["fresh"], cast, today - dt.timedelta(days=5))
    return reps


def test_it_counts_coverage_and_orders_the_overdue(
    cast: Cast, three: dict[str, Person], today: dt.date
) -> None:
    cov = selectors.coverage(reps=selectors.team_scope([cast.team.pk]), today=today)
    assert (cov["due"], cov["on_time"], cov["n_overdue"], cov["coverage"]) == (3, 1, 2, 0.3333)
    assert [(s.rep.name, s.days_overdue) for s in cov["overdue"]] == [
        ("Lena Late", 25),
        ("Nina Never", 15),
    ]
    fresh = cov["statuses"][2]
    assert (fresh.rep.name, fresh.on_time, fresh.next_due) == (
        "Fay Fresh",
        True,
        today + dt.timedelta(days=10),
    )
    assert cov["statuses"][0].last_observed == today - dt.timedelta(days=40)
    assert cov["statuses"][1].last_observed is None


def test_it_lists_the_overdue_first_on_the_manager_home(
    cast: Cast, three: dict[str, Person], login: Login
) -> None:
    page = login(cast.manager).get("/").content.decode()
    assert page.index("Lena Late") < page.index("Nina Never") < page.index("Fay Fresh")
    assert "overdue 25 d" in page and "overdue 15 d" in page


def test_it_keeps_the_counts_when_the_list_is_cut(
    cast: Cast, three: dict[str, Person], today: dt.date
) -> None:
    cov = selectors.coverage(
        reps=selectors.org_scope(cast.org.pk), today=today, program=cast.program, limit=1
    )
    assert (cov["due"], cov["on_time"], cov["n_overdue"]) == (3, 1, 2)
    assert [s.rep.name for s in cov["statuses"]] == ["Lena Late"]


def test_it_applies_the_program_policy_and_the_steady_rate(
    cast: Cast, three: dict[str, Person], today: dt.date
) -> None:
    # 4 a month while intensive (every 8 days, Python's rounding of 7.5) during 45 days:
    # Fay (observed 5 days ago) is due in 3 days; Lena, 60 days after training, is on the
    # steady rate (every 30 days): due 10 days ago; Nina, every 8 days: due 22 days ago.
    CoachingPolicy.objects.create(program=cast.program, intensive_days=45, intensive_per_month=4)
    cov = selectors.coverage(reps=selectors.team_scope([cast.team.pk]), today=today)
    assert [(s.rep.name, s.days_overdue) for s in cov["overdue"]] == [
        ("Nina Never", 22),
        ("Lena Late", 10),
    ]
    assert cov["statuses"][2].next_due == today + dt.timedelta(days=3)


def test_it_agrees_with_the_day_by_day_cadence(
    cast: Cast, three: dict[str, Person], today: dt.date
) -> None:
    reps = selectors.team_reps([cast.team.pk])
    for day in (today - dt.timedelta(days=20), today, today + dt.timedelta(days=12)):
        by_python = selectors.summarize(selectors.cadence_data(reps=reps).statuses(day))
        by_sql = selectors.coverage(reps=reps, today=day)
        assert [
            (s.rep, s.on_time, s.days_overdue, s.next_due, s.last_observed)
            for s in by_sql["statuses"]
        ] == [
            (s.rep, s.on_time, s.days_overdue, s.next_due, s.last_observed)
            for s in by_python["statuses"]
        ]


def test_it_counts_team_rows(cast: Cast, three: dict[str, Person], today: dt.date) -> None:
    rows = selectors.team_coverage_rows(
        program=cast.program, teams=[cast.team, cast.other_team], today=today
    )
    assert [(r["team"], r["due"], r["on_time"]) for r in rows] == [
        (cast.team, 3, 1),
        (cast.other_team, 0, 0),
    ]


def test_it_lists_stalled_managers_never_observed_first(
    cast: Cast, three: dict[str, Person], today: dt.date
) -> None:
    # Mia observed 5 days ago: not stalled. Otto has Oscar due (trained 50 days ago) and
    # never observed anyone; Max observed his rep 30 days ago (more than 3 weeks).
    cast.program.enrollments.filter(person=cast.other_rep).update(
        trained_on=today - dt.timedelta(days=50)
    )
    max_ = make_person(cast.org, "Max Manager", Role.MANAGER)
    from sustain.orgs import services as org_services

    team3 = org_services.team_create(organization=cast.org, name="West 3", manager=max_)
    rep3 = make_person(cast.org, "Rob Rep", Role.REP, team=team3)
    program_services.enrollment_create(
        program=cast.program, person=rep3, trained_on=today - dt.timedelta(days=50)
    )
    _observe(max_, rep3, cast, today - dt.timedelta(days=30))
    rows = selectors.stalled_observers(program=cast.program, today=today)
    assert [(r["manager"].name, r["last"], r["due"], r["on_time"]) for r in rows] == [
        ("Otto Othermanager", None, 1, 0),
        ("Max Manager", today - dt.timedelta(days=30), 1, 0),
    ]
    summary = services.coaching_summary_refresh(program=cast.program, today=today)
    first = selectors.stored_stalled_of(summaries=[summary], limit=1)
    assert first[cast.program.pk].total == 2
    assert [r.manager.name for r in first[cast.program.pk].rows] == ["Otto Othermanager"]
