from __future__ import annotations

import datetime as dt

from django.test import Client

from sustain.readiness import services
from sustain.readiness.models import Acknowledgement, Goal, Touch
from tests.conftest import Api, Cast, Login


def test_it_answers_the_readiness_shape(api: Api, cast: Cast) -> None:
    body = api(cast.owner).get(f"/programs/{cast.program.pk}/readiness").json()
    assert set(body) == {"ready", "items"}
    assert body["ready"] is False
    assert {"key", "ok", "detail"} <= set(body["items"][0])
    assert len(body["items"]) == 12


def test_it_is_ready_over_the_api(api: Api, ready_cast: Cast) -> None:
    body = api(ready_cast.analyst).get(f"/programs/{ready_cast.program.pk}/readiness").json()
    assert body["ready"] is True


def test_it_creates_a_goal(api: Api, cast: Cast) -> None:
    r = api(cast.owner).post(
        f"/programs/{cast.program.pk}/goals",
        {
            "kpi": "revenue",
            "baseline_value": "100",
            "baseline_start": "2026-01-01",
            "baseline_end": "2026-03-31",
            "target_value": "120",
        },
    )
    assert r.status_code == 201, r.json()
    assert r.json()["horizon_days"] == 120


def test_it_rejects_a_goal_with_no_baseline(api: Api, cast: Cast) -> None:
    r = api(cast.owner).post(
        f"/programs/{cast.program.pk}/goals",
        {
            "kpi": "revenue",
            "baseline_start": "2026-01-01",
            "baseline_end": "2026-03-31",
            "target_value": "120",
        },
    )
    assert r.status_code == 400
    assert "baseline" in r.json()["errors"]["baseline_value"][0]
    assert not Goal.objects.exists()


def test_it_rejects_a_touch_after_the_program_closed(api: Api, cast: Cast) -> None:
    cast.program.closed_on = dt.date(2026, 12, 31)
    cast.program.save(update_fields=["closed_on"])
    r = api(cast.owner).post(
        f"/programs/{cast.program.pk}/touches", {"date": "2027-01-05", "channel": "email"}
    )
    assert r.status_code == 400
    assert "closed on 2026-12-31" in r.json()["errors"]["date"][0]
    assert not Touch.objects.exists()


def test_it_rejects_a_pulse_of_7(api: Api, cast: Cast) -> None:
    services.why_message_write(
        program=cast.program, author=cast.executive, market_change="m", status_quo="s"
    )
    r = api(cast.rep).post(f"/programs/{cast.program.pk}/acknowledgement", {"pulse": 7})
    assert r.status_code == 400
    assert "1 (disagree) to 5" in r.json()["errors"]["pulse"][0]
    assert not Acknowledgement.objects.exists()


def test_it_keeps_the_earlier_pulse_on_a_bad_answer(api: Api, cast: Cast) -> None:
    services.why_message_write(
        program=cast.program, author=cast.executive, market_change="m", status_quo="s"
    )
    assert (
        api(cast.rep).post(f"/programs/{cast.program.pk}/acknowledgement", {"pulse": 4}).status_code
        == 201
    )
    api(cast.rep).post(f"/programs/{cast.program.pk}/acknowledgement", {"pulse": 7})
    assert Acknowledgement.objects.get().pulse == 4


def test_it_shows_the_rep_her_brief(api: Api, ready_cast: Cast) -> None:
    body = api(ready_cast.rep).get(f"/programs/{ready_cast.program.pk}/brief").json()
    assert body["why"]["market_change"] == "Buyers research alone."
    assert [e["role"] for e in body["expectations"]] == ["rep"]
    assert body["acknowledged"] is False


def test_it_updates_owner_profile_and_warns(api: Api, cast: Cast) -> None:
    r = api(cast.owner).patch(
        f"/programs/{cast.program.pk}/owner-profile",
        {"has_sales_experience": False, "time_share": 10, "carries_quota": True},
    )
    assert r.status_code == 200
    assert len(r.json()["warnings"]) == 3


def test_it_rates_a_needs_factor(api: Api, cast: Cast) -> None:
    r = api(cast.owner).patch(f"/programs/{cast.program.pk}/needs/brand", {"rating": "minor"})
    assert r.status_code == 200
    assert r.json()["label"] == "Brand image"


def test_it_lets_a_manager_join_the_panel(api: Api, cast: Cast) -> None:
    r = api(cast.manager).post(f"/programs/{cast.program.pk}/panel", {"scenarios": "Renewals"})
    assert r.status_code == 201
    assert r.json()["manager"] == cast.manager.pk


def test_the_owner_writes_the_manager_expectations_and_a_manager_cannot(
    api: Api, cast: Cast
) -> None:
    body = {"do_differently": "Coach weekly", "measured_by": "Observations", "recognized_by": "B"}
    path = f"/programs/{cast.program.pk}/expectations/manager"
    assert api(cast.manager).put(path, body).status_code == 403
    assert not cast.program.expectations.exists()
    assert api(cast.owner).put(path, body).status_code == 200


def test_it_shows_pulse_by_team_only_from_three_answers(api: Api, cast: Cast) -> None:
    from sustain.readiness.selectors import pulse_by_team

    services.why_message_write(
        program=cast.program, author=cast.executive, market_change="m", status_quo="s"
    )
    services.acknowledgement_record(program=cast.program, rep=cast.rep, pulse=2)
    rows = {r.team: r for r in pulse_by_team(program=cast.program)}
    assert rows["West 1"].acknowledged == 1
    assert rows["West 1"].average is None


def test_it_documents_the_endpoints(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/programs/{program_id}/readiness" in spec["paths"]


def test_it_links_the_pages_from_the_program(login: Login, cast: Cast) -> None:
    owner_page = login(cast.owner).get(f"/programs/{cast.program.pk}/").content.decode()
    assert f"/readiness/{cast.program.pk}/" in owner_page
    rep_page = login(cast.rep).get(f"/programs/{cast.program.pk}/").content.decode()
    assert f"/readiness/{cast.program.pk}/brief/" in rep_page
    assert f'href="/readiness/{cast.program.pk}/"' not in rep_page


def test_it_wants_the_why_from_an_executive(api: Api, cast: Cast) -> None:
    client = api(cast.owner).client
    url = f"/api/v1/programs/{cast.program.pk}/why-message"
    body = {"market_change": "Buyers changed.", "status_quo": "We pitch."}
    r = client.put(url, body, content_type="application/json")
    assert r.status_code == 400 and "executive" in r.json()["detail"]
    r = client.put(url, {**body, "author": cast.executive.pk}, content_type="application/json")
    assert r.status_code == 200 and r.json()["author_name"] == "Eve Executive"
