from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from sustain.plans import services
from sustain.plans.models import CheckIn, Plan, PlanPolicy
from tests.conftest import Api, Cast
from tests.plans.conftest import manager_of


def test_it_returns_my_plan_with_the_fixed_contract(api: Api, plan: Plan) -> None:
    body = api(plan.rep).get("/me/plan").json()
    assert body["committed_at"] is None
    assert [p["concept"] for p in body["phases"]] == ["Discovery", "Objections", "Closing"]
    assert body["phases"][0]["start"] == (plan.start).isoformat()
    assert {"start", "end", "concept"} <= set(body["phases"][0])


def test_it_404s_my_plan_when_i_have_none(api: Api, trained: Cast) -> None:
    assert api(trained.rep).get("/me/plan").status_code == 404


def test_it_commits_my_plan(api: Api, plan: Plan) -> None:
    response = api(plan.rep).post("/me/plan/commit")
    assert response.status_code == 200
    assert response.json()["committed_at"]
    assert api(plan.rep).post("/me/plan/commit").status_code == 400


def test_it_records_my_check_in(api: Api, plan: Plan) -> None:
    response = api(plan.rep).post(
        "/me/check-ins", {"applied": "Impact questions", "struggled": "Silence", "rating": 4}
    )
    assert response.status_code == 201, response.content
    assert response.json()["concept"] in ("Discovery", "Objections", "Closing")
    assert plan.check_ins.get().rating == 4


def test_it_rejects_a_rating_out_of_range_and_changes_nothing(api: Api, plan: Plan) -> None:
    for rating in (0, 6, "five"):
        response = api(plan.rep).post(
            "/me/check-ins", {"applied": "", "struggled": "", "rating": rating}
        )
        assert response.status_code == 422
    assert not CheckIn.objects.exists()


def test_it_refuses_a_check_in_on_another_reps_plan(api: Api, plan: Plan, other_plan: Plan) -> None:
    path = f"/plans/{other_plan.pk}/check-ins"
    assert api(plan.rep).post(path, {"rating": 3}).status_code == 404
    # Her manager sees the plan but only the rep reports her own progress.
    assert api(manager_of(other_plan)).post(path, {"rating": 3}).status_code == 403
    assert not CheckIn.objects.exists()


def test_it_refuses_a_plan_for_someone_not_enrolled(api: Api, trained: Cast) -> None:
    trained.program.enrollments.filter(person=trained.rep).delete()
    response = api(trained.owner).post(
        f"/programs/{trained.program.pk}/plans", {"person": trained.rep.pk}
    )
    assert response.status_code == 400
    assert "not enrolled" in response.json()["errors"]["person"][0]
    assert not Plan.objects.exists()


def test_the_manager_creates_a_plan_for_her_rep(api: Api, trained: Cast) -> None:
    response = api(trained.manager).post(
        f"/programs/{trained.program.pk}/plans", {"person": trained.rep.pk}
    )
    assert response.status_code == 201
    assert Plan.objects.get().rep == trained.rep


def test_the_manager_reweights_her_reps_plan(api: Api, plan: Plan) -> None:
    ids = list(plan.phases.values_list("pk", flat=True))
    response = api(manager_of(plan)).patch(
        f"/plans/{plan.pk}/phases",
        {"phases": [{"id": ids[2], "days": 10}, {"id": ids[0]}, {"id": ids[1]}]},
    )
    assert response.status_code == 200
    assert response.json()["phases"][0]["concept"] == "Closing"


def test_it_rejects_a_phase_of_another_plan(api: Api, plan: Plan, other_plan: Plan) -> None:
    ids = list(plan.phases.values_list("pk", flat=True))
    first_phase = other_plan.phases.first()
    assert first_phase is not None
    foreign = first_phase.pk
    response = api(plan.rep).patch(
        "/me/plan/phases", {"phases": [{"id": foreign}, {"id": ids[1]}, {"id": ids[2]}]}
    )
    assert response.status_code == 400
    assert list(plan.phases.values_list("pk", flat=True)) == ids


def test_the_team_endpoint_lists_progress(api: Api, plan: Plan, other_plan: Plan) -> None:
    body = api(manager_of(plan)).get(f"/teams/{plan.rep.team_id}/plans").json()["items"]
    assert [p["rep_name"] for p in body] == [plan.rep.name]
    assert {"streak", "missed_check_ins", "percent"} <= set(body[0])


def test_the_owner_sets_the_plan_policy_and_a_manager_cannot(api: Api, trained: Cast) -> None:
    path = f"/programs/{trained.program.pk}/plan-policy"
    assert api(trained.manager).get(path).json()["new_hire_days"] == 180
    assert api(trained.manager).patch(path, {"new_hire_days": 90}).status_code == 403
    assert api(trained.owner).patch(path, {"new_hire_days": 90}).json()["new_hire_days"] == 90
    assert api(trained.owner).patch(path, {"quota_periods": 0}).status_code == 422
    assert api(trained.outsider).get(path).status_code == 404


def test_the_plan_days_policy_shapes_new_plans(api: Api, trained: Cast) -> None:
    api(trained.owner).patch(f"/programs/{trained.program.pk}/plan-policy", {"plan_days": 60})
    body = (
        api(trained.owner)
        .post(f"/programs/{trained.program.pk}/plans", {"person": trained.rep.pk})
        .json()
    )
    assert [p["days"] for p in body["phases"]] == [20, 20, 20]


def test_the_rep_marks_a_coaching_item_done(api: Api, plan: Plan, other_plan: Plan) -> None:
    from sustain.plans.services import plan_item_add

    item = plan_item_add(plan=plan, text="Role-play", source="coaching")
    assert api(plan.rep).post(f"/plans/{plan.pk}/items/{item.pk}/done").json()["done"] is True
    foreign = plan_item_add(plan=other_plan, text="x")
    assert api(plan.rep).post(f"/plans/{plan.pk}/items/{foreign.pk}/done").status_code == 404
    foreign.refresh_from_db()
    assert foreign.done_at is None


def test_it_refuses_the_policy_limits_the_admin_form_refuses(api: Api, trained: Cast) -> None:
    # The limits were the API's alone; the admin's form (from the model) took 91 days.
    form = modelform_factory(PlanPolicy, fields=["commit_within_days", "quota_periods"])
    assert not form({"commit_within_days": 91, "quota_periods": 3}).is_valid()
    assert not form({"commit_within_days": 7, "quota_periods": 53}).is_valid()
    path = f"/programs/{trained.program.pk}/plan-policy"
    assert api(trained.owner).patch(path, {"commit_within_days": 91}).status_code == 422
    assert api(trained.owner).patch(path, {"quota_periods": 53}).status_code == 422
    assert api(trained.owner).patch(path, {"commit_within_days": 90}).status_code == 200


def test_it_refuses_a_phase_longer_than_a_plan_on_the_page_as_in_the_api(
    api: Api, plan: Plan
) -> None:
    phases = list(plan.phases.order_by("position"))
    # One phase of 181 days (the others emptied) was refused by the API, not by the model.
    body = {"phases": [{"id": phases[0].pk, "days": 181}] + [{"id": p.pk} for p in phases[1:]]}
    assert api(plan.rep).patch("/me/plan/phases", body).status_code == 422
    with pytest.raises(ValidationError) as refused:
        services.plan_phases_update(
            plan=plan,
            phases=[{"id": phases[0].pk, "days": 181}]
            + [{"id": p.pk, "days": 1} for p in phases[1:]],
        )
    assert "days" in refused.value.message_dict
    assert [p.days for p in plan.phases.order_by("position")] == [p.days for p in phases]
