from __future__ import annotations

import datetime as dt

from pytest_django import Settings

from sustain.health import services
from sustain.health.models import Alert, AlertEvent, AlertStatus
from sustain.notify.models import OutboxMessage
from tests.conftest import Cast, Login
from tests.health.conftest import observe


def _run(cast: Cast, day: dt.date) -> dict[str, int]:
    return services.health_run_day(program=cast.program, day=day)


def test_it_alerts_the_manager_who_stopped_coaching(
    trained: Cast, today: dt.date, settings: Settings
) -> None:
    settings.SUSTAIN_BASE_URL = "http://sustain.example"
    observe(trained, trained.rep, trained.manager, today - dt.timedelta(days=3))
    _run(trained, today)
    alert = Alert.objects.get(rule="manager_not_coaching")
    assert (alert.subject_type, alert.subject_id) == ("manager", trained.other_manager.pk)
    assert alert.recipient == trained.other_manager
    message = OutboxMessage.objects.get(kind="alert")
    assert message.recipient_id == trained.other_manager.pk
    assert "Manager not coaching" in message.subject
    assert "http://sustain.example/alerts/" in message.body


def test_it_opens_one_alert_and_one_message_however_often_it_runs(
    trained: Cast, today: dt.date
) -> None:
    _run(trained, today)
    _run(trained, today + dt.timedelta(days=1))
    assert Alert.objects.filter(rule="manager_not_coaching").count() == 2  # two managers
    assert OutboxMessage.objects.filter(kind="alert").count() == 2


def test_it_resolves_the_alert_when_she_coaches_again(trained: Cast, today: dt.date) -> None:
    _run(trained, today)
    observe(trained, trained.other_rep, trained.other_manager, today)
    _run(trained, today)
    alert = Alert.objects.get(subject_id=trained.other_manager.pk)
    assert alert.status == AlertStatus.RESOLVED and alert.open_key is None
    assert list(alert.events.values_list("action", flat=True)) == ["resolved"]


def test_it_escalates_to_the_owner_when_it_stays_open(trained: Cast, today: dt.date) -> None:
    _run(trained, today - dt.timedelta(days=7))
    _run(trained, today)
    alert = Alert.objects.get(subject_id=trained.other_manager.pk)
    assert alert.escalated_to == trained.owner
    assert OutboxMessage.objects.filter(recipient=trained.owner, kind="alert").count() == 2


def test_it_does_not_escalate_an_acknowledged_alert(trained: Cast, today: dt.date) -> None:
    from sustain.health.alerts import alert_acknowledge

    _run(trained, today - dt.timedelta(days=7))
    for alert in Alert.objects.all():
        alert_acknowledge(alert=alert, person=alert.recipient)
    _run(trained, today)
    assert not Alert.objects.filter(escalated_to__isnull=False).exists()


def test_it_alerts_on_missed_check_ins_and_a_lapsed_certification(
    trained: Cast, today: dt.date
) -> None:
    from sustain.certification.models import Certification
    from sustain.plans.models import Plan

    Plan.objects.create(
        enrollment=trained.program.enrollments.get(person=trained.rep),
        program=trained.program,
        rep=trained.rep,
        start=today - dt.timedelta(days=30),
    )
    Certification.objects.create(
        program=trained.program, manager=trained.manager, certified_on=today - dt.timedelta(days=9)
    )
    _run(trained, today)
    rules = dict(
        Alert.objects.values_list("rule", "recipient_id").exclude(rule="manager_not_coaching")
    )
    assert rules == {
        "rep_missed_checkins": trained.rep.pk,
        "certification_lapsed": trained.manager.pk,
    }


def test_it_alerts_a_team_whose_refresher_participation_fell(trained: Cast, today: dt.date) -> None:
    from sustain.refreshers.services import question_create

    question_create(
        concept=trained.concept, prompt="Why?", choices=["a", "b"], answer="a", explanation="x"
    )
    _run(trained, today)
    teams = set(
        Alert.objects.filter(rule="team_refresher_low").values_list("subject_name", flat=True)
    )
    assert teams == {"West 1", "West 2"}


def test_it_alerts_a_team_whose_health_fell_three_weeks_in_a_row(
    trained: Cast, today: dt.date
) -> None:
    from sustain.health.models import HealthDay

    _run(trained, today)
    row = HealthDay.objects.get(level="team", subject_id=trained.team.pk, day=today)
    for weeks, score in ((3, row.score + 30), (2, row.score + 20), (1, row.score + 10)):
        HealthDay.objects.create(
            program=trained.program,
            day=today - dt.timedelta(weeks=weeks),
            level="team",
            subject_id=trained.team.pk,
            name="West 1",
            people=1,
            score=min(score, 100),
        )
    _run(trained, today)
    alert = Alert.objects.get(rule="team_health_falling")
    assert alert.subject_id == trained.team.pk and alert.recipient == trained.manager


def test_it_alerts_the_owner_of_a_program_past_day_60_without_analysis(
    trained: Cast, today: dt.date
) -> None:
    trained.program.enrollments.update(trained_on=today - dt.timedelta(days=61))
    _run(trained, today)
    alert = Alert.objects.get(rule="program_no_analysis")
    assert alert.recipient == trained.owner


def test_it_follows_a_disabled_rule_and_resolves_what_it_had_opened(
    trained: Cast, today: dt.date
) -> None:
    _run(trained, today)
    services.health_settings_update(
        program=trained.program, rules={"manager_not_coaching": {"enabled": False}}
    )
    _run(trained, today)
    assert not Alert.objects.filter(rule="manager_not_coaching", status="open").exists()


def test_it_records_who_saw_the_alert(trained: Cast, today: dt.date, login: Login) -> None:
    _run(trained, today)
    login(trained.other_manager).get("/alerts/")
    login(trained.other_manager).get("/alerts/")
    seen = AlertEvent.objects.filter(action="seen")
    assert list(seen.values_list("person_id", flat=True)) == [trained.other_manager.pk]
