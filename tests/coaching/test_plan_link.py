"""Development actions land on the rep's 90-day plan when she has one."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.coaching import services
from sustain.plans import services as plans_services
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_it_adds_the_prescription_to_the_reps_plan(trained: Cast, today: dt.date) -> None:
    enrollment = trained.program.enrollments.get(person=trained.rep)
    plan = plans_services.plan_create(enrollment=enrollment)
    obs = services.observation_create(
        observer=trained.manager,
        rep=trained.rep,
        date=today,
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": trained.concept.pk, "score": 2, "evidence": ""}],
        actions=[{"text": "Role-play discovery twice", "due": today + dt.timedelta(days=7)}],
    )
    action = obs.actions.get()
    item = plan.items.get()
    assert action.plan_item_id == item.pk
    assert (item.text, item.due, item.source) == (
        "Role-play discovery twice",
        action.due,
        "coaching",
    )


def test_it_keeps_the_action_on_the_observation_without_a_plan(
    trained: Cast, today: dt.date
) -> None:
    obs = services.observation_create(
        observer=trained.manager,
        rep=trained.rep,
        date=today,
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": trained.concept.pk, "score": 2, "evidence": ""}],
        actions=[{"text": "Read the card", "due": today}],
    )
    assert obs.actions.get().plan_item_id is None
