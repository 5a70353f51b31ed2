"""Reads of programs, concepts and enrollment, scoped through `access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from sustain.orgs import access
from sustain.orgs.models import Person, Role
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
