"""Values that make no sense are refused at the edge with what is allowed, and change
nothing: dates in 9999 or 0001, 3-year "90-day" plans, observations before enrollment,
10,000 actions, goal horizons of 99,999,999 days, a person's team and region at odds."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sustain.coaching.models import Observation
from sustain.orgs.models import Person, Region
from sustain.plans import services as plan_services
from sustain.programs import services as program_services
from sustain.programs.models import WorkshopSession
from sustain.readiness.models import Goal
from tests.conftest import Api, Cast

TODAY = timezone.localdate()


def _trained(cast: Cast) -> None:
    cast.program.enrollments.update(trained_on=TODAY - dt.timedelta(days=30))


def test_it_refuses_sessions_in_9999_and_0001(cast: Cast, api: Api) -> None:
    path = f"/programs/{cast.program.pk}/sessions"
    for day in ("9999-12-31", "0001-01-01", "1900-06-01"):
        body = {"title": "Kickoff", "starts_on": day, "ends_on": day}
        response = api(cast.admin).post(path, body)
        assert response.status_code == 400, day
        assert "between 1990-01-01 and" in response.json()["errors"]["starts_on"][0]
    assert not WorkshopSession.objects.exists()


def test_it_refuses_a_close_date_of_0001(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/programs/{cast.program.pk}", {"closed_on": "0001-01-01"})
    assert response.status_code == 400
    assert "closed_on" in response.json()["errors"]


def test_it_refuses_a_plan_restarted_on_9999_12_31(cast: Cast, api: Api) -> None:
    _trained(cast)
    plan = plan_services.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    start = plan.start
    response = api(cast.manager).post(
        f"/plans/{plan.pk}/restart", {"start": "9999-12-31", "note": "Back from leave"}
    )
    assert response.status_code == 400
    assert "start" in response.json()["errors"]
    plan.refresh_from_db()
    assert plan.start == start
    assert api(cast.rep).get("/me/plan").status_code == 200


def test_it_keeps_a_plan_between_30_and_180_days(cast: Cast, api: Api) -> None:
    program_services.concept_create(program=cast.program, name="Objections")
    _trained(cast)
    plan = plan_services.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    phases = [{"id": p.pk, "days": 365} for p in plan.phases.all()]
    response = api(cast.rep).patch("/me/plan/phases", {"phases": phases})
    assert response.status_code == 422
    phases = [{"id": p.pk, "days": 120} for p in plan.phases.all()]
    response = api(cast.rep).patch("/me/plan/phases", {"phases": phases})
    assert response.status_code == 400
    assert "30 to 180 days" in response.json()["errors"]["phases"][0]
    assert sum(p.days for p in plan.phases.all()) <= 180
    response = api(cast.owner).patch(
        f"/programs/{cast.program.pk}/plan-policy", {"plan_days": 1095}
    )
    assert response.status_code == 422
    assert "plan_days" in response.json()["errors"]


def test_it_refuses_an_observation_before_the_reps_enrollment(cast: Cast, api: Api) -> None:
    body = {
        "rep": cast.rep.pk,
        "date": (TODAY - dt.timedelta(days=400)).isoformat(),
        "channel": "phone",
        "scores": [{"concept": cast.concept.pk, "score": 2}],
        "diagnosis": "skill",
    }
    response = api(cast.manager).post("/observations", body)
    assert response.status_code == 400
    assert "enrolled on" in response.json()["errors"]["date"][0]
    assert not Observation.objects.exists()


def test_it_refuses_10000_actions_quickly(cast: Cast, api: Api) -> None:
    _trained(cast)
    due = (TODAY + dt.timedelta(days=7)).isoformat()
    body = {
        "rep": cast.rep.pk,
        "date": TODAY.isoformat(),
        "channel": "phone",
        "scores": [{"concept": cast.concept.pk, "score": 2}],
        "diagnosis": "skill",
        "actions": [{"text": f"Action {i}", "due": due} for i in range(10_000)],
    }
    response = api(cast.manager).post("/observations", body)
    assert response.status_code == 422
    assert "actions" in response.json()["errors"]
    assert not Observation.objects.exists()


def test_it_refuses_a_goal_horizon_beyond_three_years(cast: Cast, api: Api) -> None:
    body = {
        "kpi": "win_rate",
        "baseline_value": 0.2,
        "target_value": 0.3,
        "horizon_days": 99_999_999,
    }
    response = api(cast.owner).post(f"/programs/{cast.program.pk}/goals", body)
    assert response.status_code == 422
    assert "horizon_days" in response.json()["errors"]
    assert not Goal.objects.exists()


def test_it_refuses_a_person_whose_region_and_team_disagree(cast: Cast, api: Api) -> None:
    body = {"email": "new@acme.example", "name": "New", "team": cast.team.pk, "region": "East"}
    response = api(cast.admin).post("/people", body)
    assert response.status_code == 400
    assert "West" in response.json()["errors"]["region"][0]
    assert not Person.objects.filter(email="new@acme.example").exists()
    # The request's first write, the new region, is rolled back with the rest.
    assert not Region.objects.filter(name="East").exists()


def test_it_refuses_an_overlong_region_name_without_creating_it(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/people/{cast.rep.pk}", {"region": "x" * 5000})
    # The schema declares a region name's length (maxLength), so the edge refuses it.
    assert response.status_code == 422
    assert "region" in response.json()["errors"]
    assert not Region.objects.filter(name="x" * 5000).exists()
