"""Plans in the access matrix: a manager sees her team's plans only, the trainer only
aggregates, a rep her own, outsiders 404 everywhere."""

from __future__ import annotations

import pytest

from sustain.plans import services
from sustain.plans.models import Plan
from sustain.plans.services import plan_item_add
from tests.conftest import Api, Cast, Login

SEES_ALL = ["executive", "owner", "analyst", "admin"]


@pytest.mark.parametrize("role", SEES_ALL)
def test_org_wide_roles_see_every_plan(
    api: Api, role: str, trained: Cast, plan: Plan, other_plan: Plan
) -> None:
    body = api(trained.by_role(role)).get(f"/programs/{trained.program.pk}/plans").json()["items"]
    assert {p["id"] for p in body} == {plan.pk, other_plan.pk}


def test_a_manager_sees_only_her_teams_plans(
    api: Api, trained: Cast, plan: Plan, other_plan: Plan
) -> None:
    client = api(trained.manager)
    body = client.get(f"/programs/{trained.program.pk}/plans").json()["items"]
    assert [p["id"] for p in body] == [plan.pk]
    assert client.get(f"/plans/{other_plan.pk}").status_code == 404
    assert client.get(f"/teams/{trained.other_team.pk}/plans").status_code == 404


def test_a_rep_sees_only_her_own_plan(
    api: Api, trained: Cast, plan: Plan, other_plan: Plan
) -> None:
    client = api(trained.rep)
    assert client.get(f"/plans/{plan.pk}").status_code == 200
    assert client.get(f"/plans/{other_plan.pk}").status_code == 404
    assert [
        p["id"] for p in client.get(f"/programs/{trained.program.pk}/plans").json()["items"]
    ] == [plan.pk]


def test_the_trainer_sees_only_aggregates(api: Api, trained: Cast, plan: Plan) -> None:
    client = api(trained.trainer)
    assert client.get(f"/programs/{trained.program.pk}/plans").status_code == 403
    assert client.get(f"/plans/{plan.pk}").status_code == 404
    summary = client.get(f"/programs/{trained.program.pk}/plans/summary")
    assert summary.status_code == 200
    assert summary.json()["plans"] == 1


@pytest.mark.parametrize(("role", "sees"), [("analyst", True), ("trainer", False), ("rep", False)])
def test_plan_rates_over_fewer_than_k_reps_are_withheld(
    api: Api, login: Login, trained: Cast, plan: Plan, role: str, sees: bool
) -> None:
    services.check_in_record(plan=plan, applied="x", struggled="", rating=2)
    person = trained.by_role(role)
    body = api(person).get(f"/programs/{trained.program.pk}/plans/summary").json()
    assert body["plans"] == 1
    assert body["average_rating"] == (2 if sees else None)
    assert body["suppressed"] == (None if sees else "fewer than 5 reps")
    page = login(person).get(f"/plans/program/{trained.program.pk}/").content.decode()
    assert ('id="withheld"' in page) == (not sees)


def test_the_trainer_cannot_open_a_plan_page(login: Login, trained: Cast, plan: Plan) -> None:
    client = login(trained.trainer)
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    assert client.get("/plans/team/").status_code == 403
    assert client.get(f"/plans/program/{trained.program.pk}/").status_code == 200


def test_a_rep_cannot_restart_her_plan(api: Api, plan: Plan) -> None:
    response = api(plan.rep).post(
        f"/plans/{plan.pk}/restart", {"start": str(plan.start), "note": "x"}
    )
    assert response.status_code == 403


def test_the_other_manager_cannot_touch_the_plan(api: Api, trained: Cast, plan: Plan) -> None:
    client = api(trained.other_manager)
    assert client.post(f"/plans/{plan.pk}/below-quota", {"below_quota": True}).status_code == 404
    plan.refresh_from_db()
    assert not plan.below_quota_flag


def test_outsiders_get_404_everywhere(api: Api, login: Login, trained: Cast, plan: Plan) -> None:
    client = api(trained.outsider)
    pk, program = plan.pk, trained.program.pk
    item = plan_item_add(plan=plan, text="Role-play", source="coaching")
    for path in (
        f"/plans/{pk}",
        f"/plans/{pk}/check-ins",
        f"/programs/{program}/plans",
        f"/programs/{program}/plans/summary",
        f"/teams/{trained.team.pk}/plans",
        "/me/plan",
    ):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/plans/{pk}/check-ins", {"rating": 3}),
        (f"/plans/{pk}/restart", {"start": "2026-01-01", "note": "x"}),
        (f"/plans/{pk}/below-quota", {"below_quota": True}),
        (f"/plans/{pk}/items", {"text": "x"}),
        (f"/plans/{pk}/items/{item.pk}/done", {}),
        (f"/programs/{program}/plans", {"person": trained.rep.pk}),
    ):
        assert client.post(path, data).status_code == 404, path
    assert client.patch(f"/plans/{pk}/phases", {"phases": []}).status_code == 404
    assert client.patch(f"/programs/{program}/plan-policy", {"plan_days": 30}).status_code == 404
    web = login(trained.outsider)
    for path in (f"/plans/{pk}/", f"/plans/{pk}/restart/", f"/plans/program/{program}/"):
        assert web.get(path).status_code == 404, path
    for path in (
        f"/plans/{pk}/commit/",
        f"/plans/{pk}/check-in/",
        f"/plans/{pk}/phases/",
        f"/plans/{pk}/items/",
        f"/plans/{pk}/below-quota/",
    ):
        assert web.post(path, {"rating": 3}).status_code == 404, path
    plan.refresh_from_db()
    assert plan.committed_at is None and not plan.check_ins.exists()
    item.refresh_from_db()
    assert item.done_at is None
