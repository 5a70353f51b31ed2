"""Reads of a program's preparation, for pages, the API and other apps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, QuerySet, Subquery

from sustain.orgs import privacy
from sustain.orgs.models import Person, Role, Team
from sustain.programs.models import Enrollment, Program, ProgramStatus
from sustain.programs.selectors import measurement_group_sizes_for, program_settings
from sustain.readiness.checks import (
    GroupSizesOf,
    Readiness,
    owner_warnings,
    readiness_for,
    readiness_of,
)
from sustain.readiness.models import (
    Acknowledgement,
    ExpectationRole,
    Factor,
    ReadinessSettings,
)

# A team's pulse average is shown only when this many reps answered, so nobody can
# read one rep's answer off a team of one or two.

# Teams the preparation page lists at once in the pulse table.
PULSE_PER_PAGE = 50


@dataclass(frozen=True)
class NeedsContext:
    factor: str
    label: str
    rating: str  # none / minor / major, or "" when not rated
    notes: str | None  # None when withheld from the reader (the trainer)


def needs_context(*, program: Program) -> list[NeedsContext]:
    """The needs assessment in factor order, for the impact report's context section."""
    rated = {f.factor: f for f in program.needs_factors.all()}
    return [
        NeedsContext(
            value,
            label,
            rated[value].rating if value in rated else "",
            rated[value].notes if value in rated else "",
        )
        for value, label in Factor.choices
    ]


@dataclass(frozen=True)
class TeamPulse:
    team: str
    reps: int
    acknowledged: int
    answered: int
    average: float | None  # None when fewer than the organization's k answered


def pulse_by_team(*, program: Program) -> list[TeamPulse]:
    """Acknowledgements and pulse answers aggregated per team; never per rep."""
    return pulse_of_teams(program=program, teams=list(pulse_teams(program=program)))


def pulse_teams(*, program: Program) -> QuerySet[Team]:
    """The teams with reps enrolled in the program, by name, each with `reps` (how many)."""
    reps = (
        Person.objects.filter(team=OuterRef("pk"), role=Role.REP, enrollments__program=program)
        .order_by()
        .values("team")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    # Which teams have one is an EXISTS (the first enrolled rep ends the search); the
    # count runs only for the teams of the page shown, not for every team of the count.
    enrolled = Person.objects.filter(
        Exists(Enrollment.objects.filter(person=OuterRef("pk"), program=program)),
        team=OuterRef("pk"),
        role=Role.REP,
    )
    return (
        Team.objects.filter(Exists(enrolled), organization_id=program.organization_id)
        .annotate(reps=Subquery(reps, output_field=IntegerField()))
        .order_by("name", "pk")
    )


def pulse_of_teams(*, program: Program, teams: list[Team]) -> list[TeamPulse]:
    """`pulse_by_team`'s rows for the given teams (from `pulse_teams`), in their order."""
    stats = {
        row["rep__team"]: row
        for row in Acknowledgement.objects.filter(
            program=program, rep__role=Role.REP, rep__team__in=[t.pk for t in teams]
        )
        .values("rep__team")
        .annotate(n=Count("id"), answered=Count("pulse"), average=Avg("pulse"))
    }
    result = []
    for team in teams:
        row: Mapping[str, Any] = stats.get(team.pk, {"n": 0, "answered": 0, "average": None})
        # Pulse answers are private to everyone, leaders included: k applies to all.
        shown = privacy.shown(
            None, row["answered"], organization=program.organization, private_to_all=True
        )
        average = row["average"] if shown else None
        result.append(
            TeamPulse(
                team.name,
                team.reps,  # type: ignore[attr-defined]  # annotated by pulse_teams
                row["n"],
                row["answered"],
                round(float(average), 2) if average is not None else None,
            )
        )
    return result


@dataclass(frozen=True)
class Preparation:
    """Everything the preparation page shows about one program."""

    program: Program
    readiness: Readiness
    settings: ReadinessSettings
    owner_warnings: list[str]
    other_owned: list[Program]
    goals: list[Any]
    needs: list[NeedsContext]
    touches: list[Any]
    expectations: list[tuple[str, str, Any]]
    panel: list[Any]
    pulse: list[TeamPulse]
    pulse_page: Page[Team]


def one_to_one(program: Program, attr: str) -> Any:
    """The program's row of a one-to-one preparation model, or None."""
    try:
        return getattr(program, attr)
    except ObjectDoesNotExist:
        return None


def other_owned(*, program: Program) -> list[Program]:
    """The owner's other open programs in Sustain: her attention is split across them."""
    if program.owner_id is None:
        return []
    return list(
        Program.objects.filter(owner_id=program.owner_id)
        .exclude(pk=program.pk)
        .exclude(status=ProgramStatus.CLOSED)
    )


def preparation(*, program: Program, pulse_page: Any = None) -> Preparation:
    """`pulse_page`: the page (`?page=`) of teams whose pulse is shown."""
    settings = program_settings(program, ReadinessSettings)
    teams = Paginator(pulse_teams(program=program), PULSE_PER_PAGE).get_page(pulse_page)
    by_role = {e.role: e for e in program.expectations.all()}
    return Preparation(
        program=program,
        readiness=readiness_for(program),
        settings=settings,
        owner_warnings=owner_warnings(program, one_to_one(program, "owner_profile"), settings),
        other_owned=other_owned(program=program),
        goals=list(program.goals.all()),
        needs=needs_context(program=program),
        touches=list(program.touches.select_related("sender", "region", "team")),
        expectations=[
            (value, label, by_role.get(value)) for value, label in ExpectationRole.choices
        ],
        panel=list(program.panel.select_related("manager__region")),
        pulse=pulse_of_teams(program=program, teams=list(teams.object_list)),
        pulse_page=teams,
    )


def owner_todo(
    *, viewer: Person, group_sizes: GroupSizesOf = measurement_group_sizes_for
) -> list[tuple[Program, Readiness]]:
    """The open programs the viewer owns that are not ready, for her home page.
    `group_sizes`: where their `measurement_group_sizes_for` come from (the home page's
    shared reads)."""
    programs = Program.objects.filter(organization=viewer.organization_id, owner=viewer).exclude(
        status=ProgramStatus.CLOSED
    )
    checked = readiness_of(programs, group_sizes=group_sizes)
    return [(p, r) for p, r in checked if not r.ready]


def rep_pending_acknowledgements(*, viewer: Person) -> list[Program]:
    """Programs the rep is enrolled in whose why message she has not acknowledged yet."""
    return list(
        Program.objects.filter(enrollments__person=viewer, why_message__isnull=False)
        .exclude(status=ProgramStatus.CLOSED)
        .exclude(acknowledgements__rep=viewer)
    )
