"""Creating a program's missing plans runs as a background job that writes in bulk."""

from __future__ import annotations

import datetime as dt

from pytest_django import DjangoAssertNumQueries

from sustain.orgs.models import Role
from sustain.plans import services
from sustain.plans.models import Plan
from sustain.programs import services as program_services
from tests.conftest import Cast, Login, make_person

TRAINED_ON = dt.date.today() - dt.timedelta(days=30)


def _cohort(cast: Cast, n: int) -> None:
    program_services.concept_create(program=cast.program, name="Objections")
    for i in range(n):
        rep = make_person(cast.org, f"Rep {i}", Role.REP, team=cast.team, hire_date=TRAINED_ON)
        program_services.enrollment_create(program=cast.program, person=rep)
    cast.program.enrollments.update(trained_on=TRAINED_ON)


def _shape(plan: Plan) -> tuple[object, ...]:
    phases = [(p.concept_id, p.position, p.days, p.behaviours) for p in plan.phases.all()]
    return plan.start, plan.mandatory_reason, sorted(phases)


def test_it_creates_a_cohorts_plans_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _cohort(cast, 40)
    one = services.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    with django_assert_max_num_queries(10):
        assert services.plans_generate(program=cast.program) == 41
    assert Plan.objects.filter(program=cast.program).count() == 42
    bulk = Plan.objects.get(rep__name="Rep 0")
    assert _shape(bulk)[2] == _shape(one)[2]  # the same phases as one by one
    assert bulk.mandatory_reason == "new_hire"


def test_it_generates_plans_from_the_page_in_the_background(cast: Cast, login: Login) -> None:
    _cohort(cast, 3)
    response = login(cast.owner).post(f"/plans/program/{cast.program.pk}/generate/", follow=True)
    assert "Creating 5 plans in the background" in response.content.decode()
    assert Plan.objects.filter(program=cast.program).count() == 5  # the job has run
    again = login(cast.owner).post(f"/plans/program/{cast.program.pk}/generate/", follow=True)
    assert "Every trained rep has a plan already" in again.content.decode()
    assert login(cast.rep).post(f"/plans/program/{cast.program.pk}/generate/").status_code == 403


def test_it_says_why_it_cannot_generate_plans_without_concepts(cast: Cast, login: Login) -> None:
    cast.program.enrollments.update(trained_on=TRAINED_ON)
    cast.program.concepts.all().delete()
    response = login(cast.owner).post(f"/plans/program/{cast.program.pk}/generate/", follow=True)
    assert "add its concepts first" in response.content.decode()
    assert Plan.objects.count() == 0
