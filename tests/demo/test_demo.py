from __future__ import annotations

from django.test import Client

from sustain.demo.builder import format_logins
from sustain.demo.context import DemoContext
from sustain.orgs.models import Person, Role, Team
from sustain.programs.models import Enrollment


def test_it_builds_the_organization_the_issue_describes(demo: DemoContext) -> None:
    people = Person.objects.filter(organization=demo.org)
    assert people.filter(role=Role.MANAGER).count() == 9
    assert 75 <= people.filter(role=Role.REP).count() <= 90
    assert demo.org.regions.count() == 3
    assert demo.program.concepts.count() == 6
    assert all(c.terms.exists() for c in demo.program.concepts.all())


def test_it_has_two_cohorts_and_a_group_not_yet_trained(demo: DemoContext) -> None:
    reps = Enrollment.objects.filter(program=demo.program, role=Role.REP)
    cohorts = set(reps.exclude(trained_on=None).values_list("trained_on", flat=True))
    assert len(cohorts) == 2
    assert reps.filter(trained_on=None).count() >= 20


def test_it_prints_one_login_per_role(demo: DemoContext) -> None:
    lines = format_logins().splitlines()
    roles = [line.split(":")[0] for line in lines]
    assert roles == ["executive", "owner", "manager", "rep", "trainer", "analyst", "admin"]
    assert all(line.endswith(" / sustain-demo") for line in lines)


def test_it_prints_a_manager_who_leads_the_printed_reps_first_cohort_team(
    demo: DemoContext,
) -> None:
    logins = dict(line.split(": ") for line in format_logins().splitlines())
    manager = Person.objects.get(email=logins["manager"].split(" / ")[0])
    rep = Person.objects.get(email=logins["rep"].split(" / ")[0])
    assert rep.team_id is not None
    assert Team.objects.get(pk=rep.team_id).manager == manager
    first_cohort = min(
        day
        for day in Enrollment.objects.exclude(trained_on=None).values_list("trained_on", flat=True)
        if day is not None
    )
    assert Enrollment.objects.get(person=rep).trained_on == first_cohort


def test_it_lets_the_printed_people_log_in(demo: DemoContext, client: Client) -> None:
    email = dict(line.split(": ") for line in format_logins().splitlines())["rep"]
    email, password = email.split(" / ")
    assert client.login(username=email, password=password)


def test_it_hires_every_trained_rep_before_her_workshop(demo: DemoContext) -> None:
    for enrollment in Enrollment.objects.exclude(trained_on=None).select_related("person"):
        if enrollment.person.hire_date:
            assert enrollment.trained_on is not None
            assert enrollment.person.hire_date < enrollment.trained_on


def test_it_shows_a_rep_who_left_deactivated_with_her_history(demo: DemoContext) -> None:
    from sustain.coaching.models import Observation
    from sustain.metrics.models import KpiValue

    leaver = Person.objects.get(organization=demo.org, is_active=False)
    assert leaver.role == Role.REP
    assert Observation.objects.filter(rep=leaver).exists()
    assert KpiValue.objects.filter(rep=leaver).exists()
