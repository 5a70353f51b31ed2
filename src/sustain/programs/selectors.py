"""Reads of programs, concepts and enrollment, scoped through `access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from sustain.lib.queries import count_per_row
from sustain.orgs import access
from sustain.orgs.models import Person, Region, Role, Team
from sustain.programs.models import Concept, Enrollment, GlossaryTerm, Program

Row = TypeVar("Row", bound=models.Model)


def program_settings(program: Program, model: type[Row]) -> Row:
    """The program's row of a per-program settings model (one whose `program` is a
    OneToOneField), or an unsaved row holding the model's defaults when it has none.
    Always read from the database: a row cached on `program` may be stale."""
    row = model._default_manager.filter(program=program).first()
    if row is None:
        row = model(program_id=program.pk)
    model._meta.get_field("program").set_cached_value(row, program)  # type: ignore[union-attr]
    return row


def programs_list(*, viewer: Person, count_trained: bool = True) -> QuerySet[Program]:
    """The programs the viewer sees, each with `n_enrolled` and `n_trained` (trained reps
    as `measurement_groups` counts them); without `count_trained`, the caller sets
    `n_trained` from the `measurement_group_sizes_for` it reads anyway (the home page)."""
    programs = (
        access.programs_visible_to(viewer)
        .select_related("owner")
        .annotate(n_enrolled=count_per_row(Enrollment.objects.all(), "program"))
    )
    if not count_trained:
        return programs
    trained = Enrollment.objects.filter(trained_on__lte=timezone.localdate(), person__role=Role.REP)
    return programs.annotate(n_trained=count_per_row(trained, "program"))


def concepts_with_terms(*, program: Program) -> QuerySet[Concept]:
    return program.concepts.prefetch_related(
        Prefetch("terms", queryset=GlossaryTerm.objects.order_by("term"))
    )


def enrollments_list(*, viewer: Person, program: Program) -> QuerySet[Enrollment]:
    return (
        access.enrollments_visible_to(viewer, program)
        .select_related("person__team", "session")
        .order_by("trained_on", "person__name", "pk")
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
    trained: int  # trained reps, as `measurement_groups` counts them
    comparison: int
    attended_rate: float | None
    cohorts: list[Cohort]


def enrollment_summary(*, program: Program) -> EnrollmentSummary:
    # One grouped pass over the enrollments gives the cohorts and, summed, the totals.
    rows = list(
        program.enrollments.values("trained_on")
        .annotate(
            reps=Count("pk", filter=Q(role=Role.REP)),
            managers=Count("pk", filter=Q(role=Role.MANAGER)),
            n=Count("pk"),
            marked=Count("pk", filter=Q(attended__isnull=False)),
            attended=Count("pk", filter=Q(attended=True)),
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
    n_marked = sum(r["marked"] for r in rows)
    attended = sum(r["attended"] for r in rows)
    n_trained, n_comparison = measurement_group_sizes(program=program)
    return EnrollmentSummary(
        enrolled=sum(r["n"] for r in rows),
        trained=n_trained,
        comparison=n_comparison,
        attended_rate=(attended / n_marked) if n_marked else None,
        cohorts=cohorts,
    )


@dataclass(frozen=True)
class MeasurementGroups:
    """Who counts as trained and who as the comparison group for a program: the one
    definition the readiness check, the program page, the analysis and the leadership
    pages all read, so their counts agree. Trained: reps (by their role in the
    organization) enrolled with a training date on or before `on`. Comparison: every
    other rep of the organization (not enrolled, or not trained yet)."""

    trained: dict[int, dt.date]
    comparison: frozenset[int]

    @property
    def n_trained(self) -> int:
        return len(self.trained)

    @property
    def n_comparison(self) -> int:
        return len(self.comparison)


def measurement_groups_for(
    programs: list[Program], *, on: dt.date | None = None
) -> dict[int, MeasurementGroups]:
    """`measurement_groups` of several programs of one organization, in two queries."""
    if not programs:
        return {}
    on = on or timezone.localdate()
    trained: dict[int, dict[int, dt.date]] = {p.pk: {} for p in programs}
    for program_id, person_id, day in Enrollment.objects.filter(
        program__in=programs, trained_on__isnull=False, trained_on__lte=on, person__role=Role.REP
    ).values_list("program_id", "person_id", "trained_on"):
        if day is not None:  # filtered above; the column may hold null
            trained[program_id][person_id] = day
    reps = frozenset(
        Person.objects.filter(
            organization_id=programs[0].organization_id, role=Role.REP
        ).values_list("pk", flat=True)
    )
    return {
        pk: MeasurementGroups(trained=t, comparison=reps - frozenset(t))
        for pk, t in trained.items()
    }


def measurement_groups(*, program: Program, on: dt.date | None = None) -> MeasurementGroups:
    on = on or timezone.localdate()
    trained = {
        person_id: day
        for person_id, day in program.enrollments.filter(
            trained_on__isnull=False, trained_on__lte=on, person__role=Role.REP
        ).values_list("person_id", "trained_on")
        if day is not None
    }
    reps = Person.objects.filter(organization_id=program.organization_id, role=Role.REP)
    comparison = frozenset(reps.exclude(pk__in=list(trained)).values_list("pk", flat=True))
    return MeasurementGroups(trained=trained, comparison=comparison)


class GroupSizes(NamedTuple):
    """(trained, comparison): the sizes of `measurement_groups`, counted in SQL. The
    comparison group is the organization's reps less those of them who are trained."""

    n_trained: int
    n_comparison: int


def measurement_group_sizes(*, program: Program, on: dt.date | None = None) -> GroupSizes:
    return measurement_group_sizes_for([program], on=on)[program.pk]


def measurement_group_sizes_for(
    programs: list[Program], *, on: dt.date | None = None
) -> dict[int, GroupSizes]:
    """`measurement_group_sizes` of several programs of one organization, in two queries."""
    if not programs:
        return {}
    on = on or timezone.localdate()
    org = programs[0].organization_id
    trained = {
        row["program_id"]: (row["n"], row["in_org"])
        for row in Enrollment.objects.filter(
            program__in=programs,
            trained_on__isnull=False,
            trained_on__lte=on,
            person__role=Role.REP,
        )
        .order_by()
        .values("program_id")
        # One enrollment per program and person: no DISTINCT needed.
        .annotate(n=Count("pk"), in_org=Count("pk", filter=Q(person__organization_id=org)))
    }
    reps = Person.objects.filter(organization_id=org, role=Role.REP).count()
    return {
        p.pk: GroupSizes(trained.get(p.pk, (0, 0))[0], reps - trained.get(p.pk, (0, 0))[1])
        for p in programs
    }
