"""The readiness check: twelve small checks (`CHECKS`) over the facts read once from a fixed
number of queries, used by the readiness page, the API and the home panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Case, F, Min, Q, QuerySet, When
from django.db.models.functions import Coalesce

from sustain.lib.services import M
from sustain.orgs import access
from sustain.orgs.models import Person, Role, Team
from sustain.programs.models import Enrollment, Program, WorkshopSession
from sustain.programs.selectors import (
    GroupSizes,
    measurement_group_sizes,
    measurement_group_sizes_for,
    program_settings,
)
from sustain.readiness.models import (
    ExpectationRole,
    Factor,
    Goal,
    MeasurementPlan,
    OwnerProfile,
    ReadinessSettings,
    ReinforcementPlan,
    Touch,
    WhyMessage,
)

LABELS = {
    "owner_named": "An accountable owner",
    "owner_fit": "The owner can carry it",
    "goals_with_baselines": "Goals with baselines",
    "measurement_horizon": "Measured long enough",
    "needs_assessment": "What training cannot fix",
    "why_message": "The why",
    "dissemination": "The why reaches everyone",
    "expectations_per_role": "Expectations per role",
    "managers_engaged": "Managers shaped the program",
    "managers_trained_first": "Managers trained first",
    "reinforcement_plan": "Reinforcement planned and funded",
    "control_group_plan": "A comparison group",
}


@dataclass(frozen=True)
class Item:
    key: str
    ok: bool
    detail: str  # why it is ok or not
    todo: str  # what to do; empty when ok
    action: str  # url name (readiness:...) of the page where it is fixed

    @property
    def label(self) -> str:
        return LABELS[self.key]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Readiness:
    ready: bool
    items: list[Item]

    @property
    def first_todo(self) -> Item | None:
        return next((i for i in self.items if not i.ok), None)

    @property
    def n_ok(self) -> int:
        return sum(i.ok for i in self.items)


def _one(program: Program, attr: str, model: type[M]) -> M | None:
    """The program's one-to-one row of `model` (its reverse accessor `attr`), or None."""
    try:
        row = getattr(program, attr)
    except ObjectDoesNotExist:  # the accessor raises `model.DoesNotExist`
        return None
    assert isinstance(row, model)  # the accessor `attr` holds a `model`
    return row


def owner_warnings(
    program: Program, profile: OwnerProfile | None, settings: ReadinessSettings
) -> list[str]:
    warnings = []
    owner = program.owner
    if owner is not None and owner.role == Role.TRAINER:
        warnings.append("The owner is the training vendor: ownership must sit inside sales.")
    elif owner is not None and not access.may_own_program(owner):
        warnings.append(
            f"The owner is a {owner.get_role_display().lower()}: a program's owner must be "
            "an executive, a program owner or an admin."
        )
    if profile is None:
        return warnings
    if not profile.has_sales_experience:
        warnings.append("The owner has no sales experience.")
    if profile.carries_quota and not profile.paid_for_success:
        warnings.append("The owner carries a quota and is not paid for the program's success.")
    if profile.time_share < settings.min_owner_time_share:
        warnings.append(
            f"The owner has {profile.time_share}% of her time for the program "
            f"(at least {settings.min_owner_time_share}% needed)."
        )
    return warnings


def _planned_date(e: Enrollment) -> dt.date | None:
    if e.trained_on:
        return e.trained_on
    if e.session is not None and e.attended is not False:
        return e.session.starts_on
    return None


@dataclass(frozen=True)
class TeamTrainingOrder:
    team: str
    manager: str
    manager_id: int | None
    manager_date: dt.date | None  # trained on, or the start of her scheduled session
    first_rep_date: dt.date

    @property
    def ok(self) -> bool:
        return self.manager_date is not None and self.manager_date <= self.first_rep_date


def _planned() -> Coalesce:
    """`_planned_date` of an enrollment, in SQL."""
    session_start = Case(
        When(Q(session__isnull=False) & ~Q(attended=False), then=F("session__starts_on"))
    )
    return Coalesce("trained_on", session_start)


# Late managers the check names; the managers' page lists them all.
LATE_NAMED = 10


@dataclass(frozen=True)
class TrainingOrder:
    """A program's managers against their reps: how many teams have a dated rep, how many
    of their managers are trained after her first rep or not at all, and the first
    `LATE_NAMED` of those by team name."""

    n_teams: int
    n_late: int
    late: list[TeamTrainingOrder]


# (team's name, team id, manager id, manager's name, first rep's date): one team of a
# training order.
_Row = tuple[str, int, int | None, str | None, dt.date]


def _order_rows(programs: list[Program]) -> dict[int, list[_Row]]:
    """Per program, its teams with a dated rep, by name, in two queries: the first rep's
    date per program and team is a MIN in SQL, never a walk over reps."""
    out: dict[int, list[_Row]] = {p.pk: [] for p in programs}
    if not programs:
        return out
    # Grouped by the team's id alone (its name and manager are read once per team below):
    # grouping 100,000 enrollments by four joined columns costs a third more.
    firsts = list(
        Enrollment.objects.filter(program__in=programs, role=Role.REP, person__team__isnull=False)
        .annotate(planned=_planned())
        .filter(planned__isnull=False)
        .values("program_id", "person__team_id")
        .annotate(first=Min("planned"))
        .values_list("program_id", "person__team_id", "first")
        .order_by()
    )
    named = Team.objects.values_list("pk", "name", "manager_id", "manager__name")
    teams = {
        pk: (name, manager_id, manager)
        for pk, name, manager_id, manager in named.filter(
            organization_id=programs[0].organization_id
        )
    }
    # A rep filed in another organization's team (never in a consistent roster) still counts.
    if strays := {team_id for _, team_id, _ in firsts} - teams.keys():
        teams.update({pk: (n, m_id, m) for pk, n, m_id, m in named.filter(pk__in=strays)})
    for program_id, team_id, first in firsts:
        name, manager_id, manager = teams[team_id]
        out[program_id].append((name, team_id, manager_id, manager, first))
    for rows in out.values():
        rows.sort()
    return out


def _manager_dates(
    programs: list[Program], managers: Iterable[int] | QuerySet[Team, Any]
) -> dict[tuple[int, int], Any]:
    """(program id, person id) -> the planned training date of those of `managers`."""
    return {
        (program_id, person_id): day
        for program_id, person_id, day in Enrollment.objects.filter(
            program__in=programs, person__in=managers
        )
        .annotate(planned=_planned())
        .values_list("program_id", "person_id", "planned")
        .order_by()  # not by the person's name: that would join every person
    }


def _with_names(
    program: Program, rows: list[_Row], dates: dict[tuple[int, int], Any]
) -> list[TeamTrainingOrder]:
    """`rows` as `TeamTrainingOrder`s."""
    return [
        TeamTrainingOrder(
            team=team,
            manager=manager if manager_id and manager else "no manager",
            manager_id=manager_id,
            manager_date=dates.get((program.pk, manager_id)) if manager_id else None,
            first_rep_date=first,
        )
        for team, _, manager_id, manager, first in rows
    ]


def _late(row: _Row, dates: dict[tuple[int, int], Any], program_id: int) -> bool:
    _, _, manager_id, _, first = row
    day = dates.get((program_id, manager_id)) if manager_id else None
    return day is None or day > first


def training_order_of(programs: list[Program]) -> dict[int, TrainingOrder]:
    """`TrainingOrder` of several programs of one organization, in a fixed number of
    queries however many teams and reps."""
    rows = _order_rows(programs)
    if not programs:
        return {}
    managers = Team.objects.filter(organization_id=programs[0].organization_id).values("manager_id")
    dates = _manager_dates(programs, managers)
    out = {}
    for p in programs:
        late = [r for r in rows[p.pk] if _late(r, dates, p.pk)]
        out[p.pk] = TrainingOrder(
            n_teams=len(rows[p.pk]),
            n_late=len(late),
            late=_with_names(p, late[:LATE_NAMED], dates),
        )
    return out


def training_order_page(
    program: Program, *, page: Any, per_page: int, manager: Person | None = None
) -> Page[TeamTrainingOrder]:
    """One page (`?page=`) of the program's teams with a dated rep, by name, each with her
    manager's training date against her first rep's; only `manager`'s teams if given."""
    rows = _order_rows([program])[program.pk]
    if manager is not None:
        rows = [r for r in rows if r[2] == manager.pk]
    shown = Paginator(rows, per_page).get_page(page)
    page_rows = list(shown.object_list)
    dates = _manager_dates([program], {r[2] for r in page_rows if r[2]})
    named: Page[Any] = shown
    named.object_list = _with_names(program, page_rows, dates)
    return named


def managers_trained_first(order: TrainingOrder) -> tuple[bool, str]:
    if not order.n_teams:
        return False, "No rep has a workshop date yet, so the order cannot be checked."
    if order.n_late:
        named = ", ".join(f"{r.manager} ({r.team})" for r in order.late)
        more = order.n_late - len(order.late)
        return False, (
            "Trained after their reps, or not at all: "
            + named
            + (f" and {more} more (see the managers' page)" if more else "")
            + "."
        )
    return True, f"All {order.n_teams} managers are trained before or with their reps."


@dataclass(frozen=True)
class Facts:
    """What the checks read about a program, read once."""

    program: Program
    settings: ReadinessSettings
    profile: OwnerProfile | None
    why: WhyMessage | None
    reinforcement: ReinforcementPlan | None
    measurement: MeasurementPlan | None
    goals: list[Goal]
    factors: set[str]
    touches: list[Touch]  # those before the first session, when there is one
    expectations: set[str]  # roles whose expectation is complete
    panel: int
    first_session: WorkshopSession | None
    groups: GroupSizes
    order: TrainingOrder


def _facts(
    program: Program,
    *,
    settings: ReadinessSettings | None = None,
    groups: GroupSizes | None = None,
    order: TrainingOrder | None = None,
) -> Facts:
    """Related rows are read through `.all()`: `readiness_of` prefetches them for many
    programs at once and passes the settings and groups it read in bulk."""
    first_session = min(program.sessions.all(), key=lambda s: (s.starts_on, s.pk), default=None)
    touches = list(program.touches.all())
    if first_session is not None:
        # Touches after the workshop started do not prepare anyone for it.
        touches = [t for t in touches if t.date <= first_session.starts_on]
    return Facts(
        program=program,
        settings=settings or program_settings(program, ReadinessSettings),
        profile=_one(program, "owner_profile", OwnerProfile),
        why=_one(program, "why_message", WhyMessage),
        reinforcement=_one(program, "reinforcement_plan", ReinforcementPlan),
        measurement=_one(program, "measurement_plan", MeasurementPlan),
        goals=list(program.goals.all()),
        factors={f.factor for f in program.needs_factors.all()},
        touches=touches,
        expectations={
            e.role
            for e in program.expectations.all()
            if e.do_differently.strip() and e.measured_by.strip() and e.recognized_by.strip()
        },
        panel=len(program.panel.all()),
        first_session=first_session,
        groups=measurement_group_sizes(program=program) if groups is None else groups,
        order=training_order_of([program])[program.pk] if order is None else order,
    )


def _item(key: str, ok: bool, detail: str, todo: str, action: str) -> Item:
    return Item(key, ok, detail, "" if ok else todo, action)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def owner_named(f: Facts) -> Item:
    owner = f.program.owner
    return _item(
        "owner_named",
        owner is not None,
        f"{owner.name} owns the program." if owner else "Nobody is accountable for the program.",
        "Name one accountable, sales-savvy owner.",
        "programs:edit",
    )


def owner_fit(f: Facts) -> Item:
    owner = f.program.owner
    warnings = owner_warnings(f.program, f.profile, f.settings)
    if owner is None:
        detail = "No owner to assess."
    elif f.profile is None and not warnings:
        detail = "The owner's profile is not filled in."
    else:
        detail = " ".join(warnings) or "Sales-experienced, with the time and the incentive."
    return _item(
        "owner_fit",
        owner is not None and f.profile is not None and not warnings,
        detail,
        "Record the owner's experience, time and incentives, and fix the warnings.",
        "readiness:owner",
    )


def goals_with_baselines(f: Facts) -> Item:
    return _item(
        "goals_with_baselines",
        bool(f.goals),
        f"{_plural(len(f.goals), 'goal')} with baselines and targets."
        if f.goals
        else "No business goal with a baseline yet.",
        "Add the KPIs the program must move, with their baseline and target.",
        "readiness:goal_create",
    )


def measurement_horizon(f: Facts) -> Item:
    least = f.settings.min_horizon_days
    short = [g for g in f.goals if g.horizon_days < least]
    if not f.goals:
        detail = "No goals to measure."
    elif short:
        detail = (
            f"{', '.join(g.label for g in short)} measured before {least} "
            "days: effects fade by 90-120 days."
        )
    else:
        detail = f"Measured {min(g.horizon_days for g in f.goals)}+ days after the workshop."
    return _item(
        "measurement_horizon",
        bool(f.goals) and not short,
        detail,
        f"Measure every goal at least {least} days after the workshop.",
        "readiness:prepare",
    )


def needs_assessment(f: Facts) -> Item:
    missing = [label for value, label in Factor.choices if value not in f.factors]
    return _item(
        "needs_assessment",
        not missing,
        "All factors training cannot fix are rated."
        if not missing
        else f"Not rated: {', '.join(missing)}.",
        "Rate each factor none, minor or major, with notes.",
        "readiness:needs",
    )


def why_message(f: Facts) -> Item:
    why = f.why
    ok = why is not None and bool(why.market_change.strip() and why.status_quo.strip())
    return _item(
        "why_message",
        ok,
        f"Written by {why.author.name}." if ok and why else "No leadership message yet.",
        "Have an executive write what changed and why the status quo is not okay.",
        "readiness:why",
    )


def dissemination(f: Facts) -> Item:
    settings, touches, first = f.settings, f.touches, f.first_session
    channels = {t.channel for t in touches}
    reasons = []
    if len(touches) < settings.min_touches:
        reasons.append(f"{len(touches)} of {settings.min_touches} touches")
    if len(channels) < settings.min_channels:
        reasons.append(f"{len(channels)} of {settings.min_channels} channels")
    if first is None:
        reasons.append("no workshop session scheduled to plan against")
    elif not touches or (first.starts_on - touches[0].date).days < settings.first_touch_lead_days:
        reasons.append(
            f"the first touch must be at least {settings.first_touch_lead_days} days before "
            f"the first session ({first.starts_on:%Y-%m-%d})"
        )
    return _item(
        "dissemination",
        not reasons,
        f"{len(touches)} touches over {len(channels)} channels, starting early enough."
        if not reasons
        else "; ".join(reasons).capitalize() + ".",
        f"Plan at least {settings.min_touches} touches over {settings.min_channels} channels, "
        f"the first {settings.first_touch_lead_days} days before the workshop.",
        "readiness:touch_create",
    )


def expectations_per_role(f: Facts) -> Item:
    missing = [label for value, label in ExpectationRole.choices if value not in f.expectations]
    return _item(
        "expectations_per_role",
        not missing,
        "Executives, managers and reps know what changes, how it is measured and rewarded."
        if not missing
        else f"Missing for: {', '.join(missing).lower()}.",
        "Write what each role will do differently, how it is measured and rewarded.",
        "readiness:prepare",
    )


def managers_engaged(f: Facts) -> Item:
    return _item(
        "managers_engaged",
        f.panel > 0,
        f"{_plural(f.panel, 'manager')} on the customization panel."
        if f.panel
        else "No customization panel: managers have not shaped the program.",
        "Put managers on the customization panel with the scenarios they bring.",
        "readiness:panel_create",
    )


def managers_trained_first_item(f: Facts) -> Item:
    ok, detail = managers_trained_first(f.order)
    return _item(
        "managers_trained_first",
        ok,
        detail,
        "Schedule each manager in a session before or with her reps.",
        "readiness:managers",
    )


def reinforcement_plan(f: Facts) -> Item:
    share = round(f.program.reinforcement_share * 100)
    least = f.settings.min_reinforcement_share
    activities = f.reinforcement.activities if f.reinforcement else []
    reasons = []
    if not activities:
        reasons.append("no reinforcement activities planned")
    if share < least:
        reasons.append(f"{share}% of the budget after the workshop (at least {least}%)")
    return _item(
        "reinforcement_plan",
        not reasons,
        f"{', '.join(activities).capitalize()}; {share}% of the budget after the workshop."
        if not reasons
        else "; ".join(reasons).capitalize() + ".",
        "Plan coaching, refreshers, 90-day plans and certification, and budget for them.",
        "readiness:reinforcement",
    )


def control_group_plan(f: Facts) -> Item:
    measurement = f.measurement
    ok = measurement is not None and bool(
        measurement.method.strip() and measurement.comparison_group.strip()
    )
    groups = f.groups
    counts = (
        f"{groups.n_trained} trained reps against {groups.n_comparison} comparison reps "
        "(not trained in this program)"
    )
    if ok and measurement:
        detail = (
            f"{counts}, compared with a group "
            f"{measurement.get_comparison_kind_display().lower()}: "
            f"{measurement.comparison_group}."
        )
    elif groups.n_comparison:
        detail = f"{counts}, but no measurement plan says how impact is judged."
    else:
        detail = (
            "No comparison group: every rep is trained, so a change could not be told "
            "apart from the market."
        )
    return _item(
        "control_group_plan",
        ok,
        detail,
        "Say how impact is measured and which later-trained or untrained group compares.",
        "readiness:measurement",
    )


# The checks, in the order the page lists them.
CHECKS: list[Callable[[Facts], Item]] = [
    owner_named,
    owner_fit,
    goals_with_baselines,
    measurement_horizon,
    needs_assessment,
    why_message,
    dissemination,
    expectations_per_role,
    managers_engaged,
    managers_trained_first_item,
    reinforcement_plan,
    control_group_plan,
]


def readiness_for(program: Program, *, groups: GroupSizes | None = None) -> Readiness:
    """`groups`: the program's `measurement_group_sizes`, when the page has them already."""
    return _readiness(_facts(program, groups=groups))


def _readiness(facts: Facts) -> Readiness:
    items = [check(facts) for check in CHECKS]
    return Readiness(ready=all(i.ok for i in items), items=items)


# What the checks read of each program, for checking many at once (readiness_of).
READINESS_SELECT = (
    "owner",
    "owner_profile",
    "why_message__author",
    "reinforcement_plan",
    "measurement_plan",
)
READINESS_PREFETCH = (
    "goals",
    "needs_factors",
    "touches",
    "expectations",
    "panel",
    "sessions",
)


GroupSizesOf = Callable[[list[Program]], dict[int, GroupSizes]]


def readiness_of(
    programs: QuerySet[Program], *, group_sizes: GroupSizesOf = measurement_group_sizes_for
) -> list[tuple[Program, Readiness]]:
    """`readiness_for` of several programs of one organization, in a fixed number of
    queries however many they are (and however many people they enroll). `group_sizes`
    counts their measurement groups (a page that counted them already passes its own)."""
    checked = list(programs.select_related(*READINESS_SELECT).prefetch_related(*READINESS_PREFETCH))
    settings = {s.program_id: s for s in ReadinessSettings.objects.filter(program__in=checked)}
    groups = group_sizes(checked) if checked else {}
    orders = training_order_of(checked)
    results = []
    for p in checked:
        row = settings.get(p.pk) or ReadinessSettings(program_id=p.pk)
        row.program = p
        facts = _facts(p, settings=row, groups=groups[p.pk], order=orders[p.pk])
        results.append((p, _readiness(facts)))
    return results
