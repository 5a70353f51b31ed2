from __future__ import annotations

import datetime as dt

import pytest

from sustain.health import services
from sustain.health.models import Alert, AlertEvent
from tests.conftest import Api, Cast
from tests.health.conftest import observe


@pytest.fixture
def computed(trained: Cast, today: dt.date) -> Cast:
    observe(trained, trained.rep, trained.manager, today - dt.timedelta(days=3))
    services.health_run_day(program=trained.program, day=today)
    return trained


def test_it_answers_the_fixed_health_contract(computed: Cast, api: Api) -> None:
    body = api(computed.owner).get(f"/programs/{computed.program.pk}/health").json()
    assert body["program"]["id"] == computed.program.pk
    assert 0 <= body["program"]["score"] <= 100
    assert set(body["program"]["signals"][0]) == {"key", "value", "status", "detail"}
    assert {t["name"] for t in body["teams"]} == {"West 1", "West 2"}
    assert {m["id"] for m in body["managers"]} == {computed.manager.pk, computed.other_manager.pk}
    assert body["reps"] == []


def test_it_shows_a_manager_her_team_herself_and_her_reps(computed: Cast, api: Api) -> None:
    body = api(computed.manager).get(f"/programs/{computed.program.pk}/health").json()
    assert [t["name"] for t in body["teams"]] == ["West 1"]
    assert [m["id"] for m in body["managers"]] == [computed.manager.pk]
    assert [r["id"] for r in body["reps"]] == [computed.rep.pk]
    assert body["program"] is None  # two reps: below the minimum group size


def test_it_shows_a_rep_only_herself(computed: Cast, api: Api) -> None:
    body = api(computed.rep).get(f"/programs/{computed.program.pk}/health").json()
    assert (body["teams"], body["managers"]) == ([], [])
    assert [r["id"] for r in body["reps"]] == [computed.rep.pk]


def test_it_shows_the_trainer_no_group_smaller_than_the_minimum(computed: Cast, api: Api) -> None:
    body = api(computed.trainer).get(f"/programs/{computed.program.pk}/health").json()
    assert body == {
        "day": body["day"],
        "program": None,
        "regions": [],
        "teams": [],
        "managers": [],
        "reps": [],
    }


def test_it_hides_health_from_an_outsider(computed: Cast, api: Api) -> None:
    assert api(computed.outsider).get(f"/programs/{computed.program.pk}/health").status_code == 404


def test_it_lists_open_alerts_in_the_fixed_shape(computed: Cast, api: Api) -> None:
    body = api(computed.other_manager).get("/alerts?status=open").json()["items"]
    assert [a["rule"] for a in body] == ["manager_not_coaching"]
    assert body[0]["subject"] == {
        "type": "manager",
        "id": computed.other_manager.pk,
        "name": "Otto Othermanager",
    }
    assert body[0]["recipient"] == "Otto Othermanager"
    assert {"id", "severity", "detail", "opened_at"} <= set(body[0])


def test_it_shows_a_manager_only_her_own_alerts(computed: Cast, api: Api) -> None:
    assert api(computed.manager).get("/alerts").json()["items"] == []
    assert len(api(computed.owner).get("/alerts").json()["items"]) == 1


def test_it_acknowledges_with_a_record_of_who(computed: Cast, api: Api) -> None:
    alert = Alert.objects.get()
    response = api(computed.other_manager).post(f"/alerts/{alert.pk}/ack")
    assert response.json()["status"] == "acknowledged"
    assert api(computed.other_manager).get("/alerts?status=open").json()["items"] == []
    event = AlertEvent.objects.get(action="acknowledged")
    assert event.person == computed.other_manager


def test_it_snoozes_until_a_day(computed: Cast, api: Api, today: dt.date) -> None:
    alert = Alert.objects.get()
    until = today + dt.timedelta(days=5)
    response = api(computed.other_manager).post(f"/alerts/{alert.pk}/snooze", {"until": str(until)})
    assert response.json()["snoozed_until"] == str(until)
    assert api(computed.other_manager).get("/alerts?status=open").json()["items"] == []
    assert len(api(computed.other_manager).get("/alerts?status=snoozed").json()["items"]) == 1


def test_it_refuses_a_snooze_in_the_past_and_changes_nothing(
    computed: Cast, api: Api, today: dt.date
) -> None:
    alert = Alert.objects.get()
    response = api(computed.other_manager).post(f"/alerts/{alert.pk}/snooze", {"until": str(today)})
    assert response.status_code == 400 and "until" in response.json()["errors"]
    alert.refresh_from_db()
    assert alert.snoozed_until is None


def test_it_refuses_ack_by_someone_it_is_not_for(computed: Cast, api: Api) -> None:
    alert = Alert.objects.get()
    assert api(computed.manager).post(f"/alerts/{alert.pk}/ack").status_code == 404
    assert api(computed.analyst).post(f"/alerts/{alert.pk}/ack").status_code == 404
    assert api(computed.outsider).post(f"/alerts/{alert.pk}/ack").status_code == 404


def test_it_lets_the_owner_change_weights_and_rules(computed: Cast, api: Api) -> None:
    response = api(computed.owner).patch(
        f"/programs/{computed.program.pk}/health/settings",
        {
            "signals": {"coaching_cadence": {"ok": 10, "bad": 30}},
            "rules": {"manager_not_coaching": {"threshold": 28}},
            "refresher_max_interval_days": 45,
        },
    )
    body = response.json()
    assert body["signals"]["coaching_cadence"] == {"weight": 2.0, "ok": 10.0, "bad": 30.0}
    assert body["rules"]["manager_not_coaching"]["threshold"] == 28
    assert body["refresher_max_interval_days"] == 45


def test_it_refuses_inverted_thresholds_and_changes_nothing(computed: Cast, api: Api) -> None:
    url = f"/programs/{computed.program.pk}/health/settings"
    response = api(computed.owner).patch(
        url,
        {
            "signals": {"coaching_coverage": {"ok": 0.2, "bad": 0.9}},
            "refresher_max_interval_days": 45,
        },
    )
    assert response.status_code == 400
    assert "signals.coaching_coverage" in response.json()["errors"]
    assert api(computed.owner).get(url).json()["refresher_max_interval_days"] == 60


def test_it_refuses_unknown_signals(computed: Cast, api: Api) -> None:
    response = api(computed.admin).patch(
        f"/programs/{computed.program.pk}/health/settings", {"signals": {"vibes": {"weight": 1}}}
    )
    assert response.status_code == 400


def test_it_lets_only_the_owner_and_admins_change_settings(computed: Cast, api: Api) -> None:
    url = f"/programs/{computed.program.pk}/health/settings"
    assert api(computed.manager).patch(url, {"refresher_max_interval_days": 30}).status_code == 403
    assert (
        api(computed.executive).patch(url, {"refresher_max_interval_days": 30}).status_code == 403
    )
    assert api(computed.outsider).get(url).status_code == 404
