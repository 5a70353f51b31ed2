"""Reads of programs, concepts and enrollment, scoped through `access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from sustain.orgs import access
from sustain.orgs.models import Person, Region, Role, Team
from sustain.programs.models import Concept, Enrollment, GlossaryTerm, Program


def programs_list(*, viewer: Person) -> QuerySet[Program]:
    return (
        access.programs_visible_to(viewer)
        .select_related("owner")
        .annotate(
            n_enrolled=Count("enrollments", distinct=True),
            n_trained=Count(
                "enrollments", filter=Q(enrollments__trained_on__isnull=False), distinct=True
            ),
        )
    )


def concepts_with_terms(*, program: Program) -> QuerySet[Concept]:
    return program.concepts.prefetch_related(
        Prefetch("terms", queryset=GlossaryTerm.objects.order_by("term"))
    )


def enrollments_list(*, viewer: Person, program: Program) -> QuerySet[Enrollment]:
    return (
        access.enrollments_visible_to(viewer, program)
        .select_related("person__team", "session")
        .order_by("trained_on", "person__name")
    )


def people_to_enroll(
    *,
    viewer: Person,
    program: Program,
    q: str = "",
    team: Team | None = None,
    region: Region | None = None,
    role: str = "",
) -> QuerySet[Person]:
    """Active people the viewer sees who are not in the program yet, narrowed by a name or
    email search and by team, region and role (all that are given)."""
    people = access.people_visible_to(viewer).filter(is_active=True)
    people = people.exclude(enrollments__program=program)
    if q.strip():
        people = people.filter(Q(name__icontains=q.strip()) | Q(email__icontains=q.strip()))
    if team is not None:
        people = people.filter(team=team)
    if region is not None:
        people = people.filter(Q(region=region) | Q(team__region=region))
    if role:
        people = people.filter(role=role)
    return people.select_related("team", "region").order_by("name", "pk")


@dataclass(frozen=True)
class Cohort:
    trained_on: dt.date | None  # None for the not-yet-trained group
    n_reps: int
    n_managers: int


@dataclass(frozen=True)
class EnrollmentSummary:
    """Counts anyone who may see the program may read, the trainer included."""

    enrolled: int
    trained: int
    attended_rate: float | None
    cohorts: list[Cohort]


def enrollment_summary(*, program: Program) -> EnrollmentSummary:
    rows = (
        program.enrollments.values("trained_on")
        .annotate(
            reps=Count("pk", filter=Q(role=Role.REP)),
            managers=Count("pk", filter=Q(role=Role.MANAGER)),
        )
        .order_by("trained_on")
    )
    cohorts = [
        Cohort(
            trained_on=r["trained_on"],
            n_reps=r["reps"],
            n_managers=r["managers"],
        )
        for r in rows
    ]
    marked = program.enrollments.exclude(attended__isnull=True)
    n_marked = marked.count()
    attended = marked.filter(attended=True).count()
    total = program.enrollments.count()
    trained = program.enrollments.filter(trained_on__isnull=False).count()
    return EnrollmentSummary(
        enrolled=total,
        trained=trained,
        attended_rate=(attended / n_marked) if n_marked else None,
        cohorts=cohorts,
    )
