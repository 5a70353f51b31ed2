"""Consistency's weeks, counted live and from the stored past days (`CadenceDay`), on a
small cast worked out by hand (the default policy: every 15 days in the first 90 days
after training, then every 30), and coaching's coverage agreeing with both."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.certification import selectors, services
from sustain.certification.models import CadenceDay, CertificationPolicy, ManagerCadence
from sustain.coaching import selectors as coaching
from sustain.coaching import services as coaching_services
from sustain.orgs.models import Person, Role
from sustain.programs import services as program_services
from tests.conftest import Cast, Login, make_person

pytestmark = pytest.mark.django_db


def _days(today: dt.date, *offsets: int) -> list[dt.date]:
    return [today + dt.timedelta(days=n) for n in offsets]


def _observe(cast: Cast, rep: Person, day: dt.date) -> None:
    coaching_services.observation_create(
        observer=cast.manager,
        rep=rep,
        date=day,
        channel="field",
        diagnosis="skill",
        scores=[{"concept": cast.concept.pk, "score": 3, "evidence": ""}],
    )


def _rep(cast: Cast, name: str, trained: dt.date) -> Person:
    rep = make_person(cast.org, name, Role.REP, team=cast.team)
    program_services.enrollment_create(program=cast.program, person=rep, trained_on=trained)
    return rep


def _evidence(cast: Cast, today: dt.date) -> str:
    row = selectors.certification_rows(program=cast.program, managers=[cast.manager], today=today)
    return str(row[0]["components"]["consistency"]["evidence"])


@pytest.fixture
def rita(cast: Cast, today: dt.date) -> Person:
    """Rita trained 60 days ago (intensive: due every 15 days), observed 50 and 20 days
    ago. The weeks end today, 7, 14, ... 49 days ago; she is on time at the end of a
    week when trained or observed in the 15 days up to it: 7 and 14 days ago (the
    observation of day -20), 35, 42 and 49 days ago (day -50, and training on day -60),
    not today nor 21 and 28 days ago: 5 weeks of 8."""
    cast.program.enrollments.filter(person=cast.rep).update(trained_on=today - dt.timedelta(60))
    for day in _days(today, -50, -20):
        _observe(cast, cast.rep, day)
    return cast.rep


def test_it_counts_the_weeks_met_live(cast: Cast, rita: Person, today: dt.date) -> None:
    assert "Cadence met in 5 of the last 8 weeks" in _evidence(cast, today)


def test_it_stores_the_days_of_the_window(cast: Cast, rita: Person, today: dt.date) -> None:
    services.cadence_days_refresh_all(today=today)
    assert CadenceDay.objects.filter(program=cast.program).count() == 50  # today, 7 weeks back
    stored = {
        (r.cadence_day.day - today).days: (r.due, r.on_time)
        for r in ManagerCadence.objects.filter(manager=cast.manager).select_related("cadence_day")
    }
    assert stored[-7] == (1, 1) and stored[-21] == (1, 0) and stored[-49] == (1, 1)
    assert "Cadence met in 5 of the last 8 weeks" in _evidence(cast, today)


def test_it_stores_the_days_in_the_daily_sweep(cast: Cast, rita: Person, today: dt.date) -> None:
    from sustain.certification.tasks import refresh_certifications

    refresh_certifications.enqueue()
    assert CadenceDay.objects.filter(program=cast.program, day=today).exists()


def test_it_reads_the_stored_days(cast: Cast, rita: Person, today: dt.date) -> None:
    services.cadence_days_refresh_all(today=today)
    ManagerCadence.objects.filter(cadence_day__day=today - dt.timedelta(21)).update(on_time=1)
    assert "Cadence met in 6 of the last 8 weeks" in _evidence(cast, today)


def test_it_counts_every_manager_from_today_stored_and_her_row_live(
    cast: Cast, rita: Person, today: dt.date
) -> None:
    services.cadence_days_refresh_all(today=today)
    ManagerCadence.objects.filter(cadence_day__day=today).update(on_time=1)
    policy = CertificationPolicy(program=cast.program)
    managers = [cast.manager]
    met, _ = selectors._weeks_met(cast.program, managers, policy, today, live_today=False)
    assert met[cast.manager.pk] == 6
    assert selectors._weeks_met(cast.program, managers, policy, today)[0][cast.manager.pk] == 5


def test_it_recounts_today_after_an_observation(cast: Cast, rita: Person, today: dt.date) -> None:
    services.cadence_days_refresh_all(today=today)
    _observe(cast, rita, today)
    row = ManagerCadence.objects.get(manager=cast.manager, cadence_day__day=today)
    assert (row.due, row.on_time) == (1, 1)


def test_it_recounts_stored_days_after_a_back_dated_observation(
    cast: Cast, rita: Person, today: dt.date
) -> None:
    services.cadence_days_refresh_all(today=today)
    # Observed 40 days ago: on time at the end of the week 28 days ago, not 21.
    _observe(cast, rita, today - dt.timedelta(40))
    row = ManagerCadence.objects.get(
        manager=cast.manager, cadence_day__day=today - dt.timedelta(28)
    )
    assert (row.due, row.on_time) == (1, 1)
    assert "Cadence met in 6 of the last 8 weeks" in _evidence(cast, today)
    stored = selectors.cadence_counts(cast.program, [cast.manager], _days(today, -28, -21))
    assert stored[cast.manager.pk] == {
        today - dt.timedelta(28): (1, 1),
        today - dt.timedelta(21): (1, 0),
    }


def test_it_forgets_the_stored_days_when_the_policy_changes(
    cast: Cast, rita: Person, today: dt.date
) -> None:
    services.cadence_days_refresh_all(today=today)
    coaching_services.coaching_policy_set(
        program=cast.program, data={"intensive_per_month": 1}
    )  # every 30 days: on time in every week
    assert not CadenceDay.objects.filter(program=cast.program).exists()
    assert "Cadence met in 8 of the last 8 weeks" in _evidence(cast, today)


@pytest.fixture
def three(cast: Cast, today: dt.date) -> None:
    """Bea trained 100 days ago, observed 35 days ago: 89 days after training (11 days
    ago) she is due every 15 days and late; from 90 days (10 days ago) every 30, on time
    until 5 days ago (her due day), late after. Dee trained 45 days ago, observed 30 days
    ago and again 15 days ago, exactly on her due day: on time up to today, late
    tomorrow. Nia trained 20 days ago, never observed: due 5 days ago."""
    bea = _rep(cast, "Bea Boundary", today - dt.timedelta(100))
    _observe(cast, bea, today - dt.timedelta(35))
    dee = _rep(cast, "Dee Dueday", today - dt.timedelta(45))
    for day in _days(today, -30, -15):
        _observe(cast, dee, day)
    _rep(cast, "Nia Never", today - dt.timedelta(20))


ON_TIME = {-15: 2, -14: 2, -11: 2, -10: 3, -5: 3, -4: 1, 0: 1, 1: 0}


def test_coaching_and_certification_agree_on_the_cadence(
    cast: Cast, three: None, today: dt.date
) -> None:
    days = _days(today, *ON_TIME)
    live = selectors.cadence_counts(cast.program, [cast.manager], days)[cast.manager.pk]
    past = [d for d in days if d < today]
    services.cadence_days_refresh(program=cast.program, days=past)
    stored = {
        r.cadence_day.day: (r.due, r.on_time)
        for r in ManagerCadence.objects.filter(manager=cast.manager).select_related("cadence_day")
    }
    for offset, on_time in ON_TIME.items():
        day = today + dt.timedelta(offset)
        cov = coaching.coverage(
            reps=coaching.team_scope([cast.team.pk]), today=day, program=cast.program
        )
        assert (cov["due"], cov["on_time"]) == (3, on_time), offset
        assert live[day] == (3, on_time), offset
        if day in past:
            assert stored[day] == (3, on_time), offset


def test_a_view_after_midnight_has_today_stored_once_in_the_background(
    cast: Cast,
    rita: Person,
    today: dt.date,
    login: Login,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # Yesterday's sweep stored the window up to yesterday: today is missing.
    services.cadence_days_refresh_all(today=today - dt.timedelta(days=1))
    client = login(cast.owner)
    url = f"/certification/program/{cast.program.pk}/"
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert client.get(url).status_code == 200
    assert len(queued) == 1
    assert ManagerCadence.objects.get(cadence_day__day=today, manager=cast.manager).due == 1
    with django_capture_on_commit_callbacks(execute=True) as queued:
        client.get(url)
    assert queued == []
    assert services.cadence_day_store(program=cast.program, day=today) == 0  # a late job
