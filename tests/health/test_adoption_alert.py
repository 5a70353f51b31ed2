"""The adoption rule: a team whose calls stopped showing the program's techniques."""

from __future__ import annotations

import datetime as dt

from sustain.adoption.models import Call, CallStatus, Detection, Label
from sustain.health import services
from sustain.health.models import Alert, AlertStatus
from sustain.notify.models import OutboxMessage
from tests.conftest import Cast


def _call(cast: Cast, day: dt.date, used: bool) -> Call:
    call = Call.objects.create(
        organization=cast.org,
        program=cast.program,
        rep=cast.rep,
        date=day,
        filename="call.vtt",
        rep_speaker="Rita Rep",
        status=CallStatus.DONE,
    )
    Detection.objects.create(call=call, concept=cast.concept, used=used, score=0.5)
    return call


def _weeks(cast: Cast, today: dt.date, used_by_week: list[bool]) -> None:
    """Two calls in each of the last weeks (oldest first)."""
    for w, used in enumerate(reversed(used_by_week)):
        for d in (1, 3):
            _call(cast, today - dt.timedelta(days=7 * w + d), used)


def test_it_alerts_the_manager_when_her_team_stops_using_the_techniques(
    trained: Cast, today: dt.date
) -> None:
    _weeks(trained, today, [False, False, False])
    services.health_run_day(program=trained.program, day=today)
    alert = Alert.objects.get(rule="team_adoption_low")
    assert (alert.subject_type, alert.subject_id) == ("team", trained.team.pk)
    assert alert.recipient == trained.manager
    assert "0% → 0% → 0%" in alert.detail
    assert "Uncalibrated" in alert.detail  # no concept has enough labels yet
    assert OutboxMessage.objects.filter(recipient=trained.manager, kind="alert").exists()


def test_it_waits_for_three_weeks_below_the_threshold(trained: Cast, today: dt.date) -> None:
    _weeks(trained, today, [True, False, False])
    services.health_run_day(program=trained.program, day=today)
    assert not Alert.objects.filter(rule="team_adoption_low").exists()


def test_it_resolves_when_the_calls_show_the_technique_again(trained: Cast, today: dt.date) -> None:
    _weeks(trained, today, [False, False, False])
    services.health_run_day(program=trained.program, day=today)
    _call(trained, today, True)  # this week: 1 of 3 calls
    services.health_run_day(program=trained.program, day=today)
    alert = Alert.objects.get(rule="team_adoption_low")
    assert alert.status == AlertStatus.RESOLVED


def test_it_counts_only_calibrated_concepts_once_there_are_some(
    trained: Cast, today: dt.date
) -> None:
    from sustain.programs import services as program_services

    other = program_services.concept_create(program=trained.program, name="Closing")
    calls = []
    for w in range(3):
        for d in (1, 2, 3, 4):
            call = _call(trained, today - dt.timedelta(days=7 * w + d), False)
            Detection.objects.create(call=call, concept=other, used=True, score=0.9)
            calls.append(call)
    # Managers agree with every detection of the first concept: it is calibrated; the
    # other, whose uses are all the team shows, is not.
    for call in calls:
        Label.objects.create(call=call, concept=trained.concept, used=False)
    services.health_run_day(program=trained.program, day=today)
    alert = Alert.objects.get(rule="team_adoption_low")
    assert "Uncalibrated" not in alert.detail


def test_it_can_be_switched_off_per_program(trained: Cast, today: dt.date) -> None:
    from sustain.health.models import HealthSettings

    HealthSettings.objects.update_or_create(
        program=trained.program, defaults={"rules": {"team_adoption_low": {"enabled": False}}}
    )
    _weeks(trained, today, [False, False, False])
    services.health_run_day(program=trained.program, day=today)
    assert not Alert.objects.filter(rule="team_adoption_low").exists()
