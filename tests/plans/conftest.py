from __future__ import annotations

import datetime as dt

import pytest

from sustain.orgs.models import Person
from sustain.plans import services
from sustain.plans.models import Plan
from sustain.programs import services as program_services
from tests.conftest import Cast

TRAINED_ON = dt.date.today() - dt.timedelta(days=30)


def manager_of(plan: Plan) -> Person:
    """The manager of the team of the plan's rep (every rep of the cast has one)."""
    team = plan.rep.team
    assert team is not None and team.manager is not None
    return team.manager


@pytest.fixture
def trained(cast: Cast) -> Cast:
    """The cast's program with three concepts, everyone trained on TRAINED_ON."""
    program_services.concept_create(program=cast.program, name="Objections")
    program_services.concept_create(program=cast.program, name="Closing")
    cast.program.enrollments.update(trained_on=TRAINED_ON)
    return cast


@pytest.fixture
def plan(trained: Cast) -> Plan:
    return services.plan_create(enrollment=trained.program.enrollments.get(person=trained.rep))


@pytest.fixture
def other_plan(trained: Cast) -> Plan:
    return services.plan_create(
        enrollment=trained.program.enrollments.get(person=trained.other_rep)
    )
