"""Reads of programs, concepts and enrollment, scoped through `access`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, TypeVar, overload

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


def _not_reps() -> QuerySet[Person, int]:
    """The people who are not reps (managers, leaders): a few, read by the small
    `person_not_rep` index. "Trained reps" are counted as every trained enrollment less
    those of these people, rather than by joining every rep."""
    return Person.objects.exclude(role=Role.REP).values_list("pk", flat=True)


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
    trained = Enrollment.objects.filter(trained_on__lte=timezone.localdate())
    not_reps = trained.filter(person_id__in=_not_reps())
    return programs.annotate(
        n_trained=count_per_row(trained, "program") - count_per_row(not_reps, "program")
    )


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


class EnrollmentPages:
    """`enrollments_list` (cohort, then name, then id) for a Paginator without sorting every
    enrollment of the program to cut out one page: counted per cohort in one grouped query
    (by the cohort index), and a page read in one query as the slices of the cohorts it
    spans, each slice taken in name order by the people's `person_org_name` index. An
    enrollment's person is always of the program's organization (`Enrollment.clean`),
    which is what lets the slices walk that index."""

    def __init__(
        self,
        rows: QuerySet[Enrollment],
        *,
        program: Program,
        cohorts: list[tuple[dt.date | None, int]] | None = None,
    ) -> None:
        self.rows = rows
        self.organization_id = program.organization_id
        self._cohorts = cohorts

    def cohorts(self) -> list[tuple[dt.date | None, int]]:
        """(training date, enrollments) in the list's order (where the empty date sorts
        is the database's, as in the list)."""
        if self._cohorts is None:
            grouped = self.rows.order_by("trained_on").values("trained_on")
            self._cohorts = [(r["trained_on"], r["n"]) for r in grouped.annotate(n=Count("*"))]
        return self._cohorts

    def count(self) -> int:
        return sum(n for _, n in self.cohorts())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Enrollment]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, window: int) -> Enrollment: ...
    @overload
    def __getitem__(self, window: slice) -> list[Enrollment]: ...
    def __getitem__(self, window: int | slice) -> Enrollment | list[Enrollment]:
        if isinstance(window, int):
            return self[window : window + 1][0]
        start, stop = window.start or 0, window.stop
        slices, first = [], 0
        for day, n in self.cohorts():
            low, high = (
                max(start - first, 0),
                min((stop if stop is not None else n + first) - first, n),
            )
            if low < high:
                cohort = self.rows.filter(person__organization_id=self.organization_id)
                cohort = (
                    cohort.filter(trained_on=day)
                    if day is not None
                    else cohort.filter(trained_on=None)
                )
                ids = cohort.order_by("person__name", "pk").values("pk")[low:high]
                slices.append(Q(pk__in=ids))
            first += n
        if not slices:
            return []
        wanted = slices[0]
        for more in slices[1:]:
            wanted |= more
        return list(self.rows.filter(wanted))


def enrollment_pages(
    *, viewer: Person, program: Program, summary: EnrollmentSummary
) -> EnrollmentPages | QuerySet[Enrollment]:
    """`enrollments_list`, to cut into pages: for a viewer who sees every enrollment, as
    `EnrollmentPages` on the cohorts `summary` has counted; the few rows anyone else sees
    (a manager's teams) are read from the people's side, sorted whole: their ids are read
    first, because the planner cannot tell that "herself or her teams" is a few people and
    joins every enrollment of the program instead."""
    rows = enrollments_list(viewer=viewer, program=program)
    if not access.sees_whole_org(viewer):
        people = list(access.people_visible_to(viewer).values_list("pk", flat=True))
        return rows.filter(person_id__in=people)
    cohorts = [(c.trained_on, c.n_enrolled) for c in summary.cohorts]
    return EnrollmentPages(rows, program=program, cohorts=cohorts)


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
    n_enrolled: int  # every enrollment of the cohort, whatever the role


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
    # Counted as rows or as `person` (never empty), not `pk`: the `enrollment_cohorts`
    # index holds every column read, so PostgreSQL answers from the index alone.
    rows = list(
        program.enrollments.values("trained_on")
        .annotate(
            reps=Count("person", filter=Q(role=Role.REP)),
            managers=Count("person", filter=Q(role=Role.MANAGER)),
            n=Count("*"),
            marked=Count("person", filter=Q(attended__isnull=False)),
            attended=Count("person", filter=Q(attended=True)),
        )
        .order_by("trained_on")
    )
    cohorts = [
        Cohort(
            trained_on=r["trained_on"],
            n_reps=r["reps"],
            n_managers=r["managers"],
            n_enrolled=r["n"],
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
    # Trained reps of another organization (`Enrollment.clean` refuses them) are counted
    # so that the comparison group stays exact; the organization index finds them in three
    # ranges (there are none) rather than by reading every person.
    elsewhere = Person.objects.filter(
        Q(organization_id__lt=org) | Q(organization_id__gt=org) | Q(organization_id=None),
        role=Role.REP,
    ).values_list("pk", flat=True)
    rows = (
        Enrollment.objects.filter(program__in=programs, trained_on__lte=on)
        .order_by()
        .values("program_id")
        # One enrollment per program and person: no DISTINCT needed.
        .annotate(
            n=Count("*"),
            not_reps=Count("person", filter=Q(person_id__in=_not_reps())),
            elsewhere=Count("person", filter=Q(person_id__in=elsewhere)),
        )
    )
    n, outside = {}, {}
    for row in rows:
        n[row["program_id"]] = row["n"] - row["not_reps"]
        outside[row["program_id"]] = row["elsewhere"]
    reps = Person.objects.filter(organization_id=org, role=Role.REP).count()
    return {
        p.pk: GroupSizes(n.get(p.pk, 0), reps - (n.get(p.pk, 0) - outside.get(p.pk, 0)))
        for p in programs
    }
