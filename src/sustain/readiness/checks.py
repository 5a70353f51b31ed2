"""The readiness check: one function computing every item from a fixed number of
queries, used by the readiness page, the API and the home panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import ObjectDoesNotExist

from sustain.lib.services import M
from sustain.orgs import access
from sustain.orgs.models import Role, Team
from sustain.programs.models import Enrollment, Program
from sustain.programs.selectors import measurement_groups, program_settings
from sustain.readiness.models import (
    ExpectationRole,
    Factor,
    MeasurementPlan,
    OwnerProfile,
    ReadinessSettings,
    ReinforcementPlan,
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


def training_order(program: Program) -> list[TeamTrainingOrder]:
    """Per team with a dated rep: the manager's training date against her first rep's."""
    enrollments = list(program.enrollments.select_related("session", "person__team__manager"))
    by_person = {e.person_id: e for e in enrollments}
    first_rep: dict[int, tuple[dt.date, Team]] = {}
    for e in enrollments:
        team = e.person.team
        date = _planned_date(e)
        if e.role != Role.REP or team is None or date is None:
            continue
        if team.pk not in first_rep or date < first_rep[team.pk][0]:
            first_rep[team.pk] = (date, team)
    rows = []
    for date, team in first_rep.values():
        mine = by_person.get(team.manager_id) if team.manager_id else None
        rows.append(
            TeamTrainingOrder(
                team=team.name,
                manager=team.manager.name if team.manager else "no manager",
                manager_id=team.manager_id,
                manager_date=_planned_date(mine) if mine else None,
                first_rep_date=date,
            )
        )
    return sorted(rows, key=lambda r: r.team)


def managers_trained_first(rows: list[TeamTrainingOrder]) -> tuple[bool, str]:
    if not rows:
        return False, "No rep has a workshop date yet, so the order cannot be checked."
    late = [f"{r.manager} ({r.team})" for r in rows if not r.ok]
    if late:
        return False, "Trained after their reps, or not at all: " + ", ".join(late) + "."
    return True, f"All {len(rows)} managers are trained before or with their reps."


def readiness_for(program: Program) -> Readiness:
    settings = program_settings(program, ReadinessSettings)
    profile = _one(program, "owner_profile", OwnerProfile)
    why = _one(program, "why_message", WhyMessage)
    plan = _one(program, "reinforcement_plan", ReinforcementPlan)
    measurement = _one(program, "measurement_plan", MeasurementPlan)
    goals = list(program.goals.all())
    factors = {f.factor for f in program.needs_factors.all()}
    touches = list(program.touches.all())
    expectations = {
        e.role
        for e in program.expectations.all()
        if e.do_differently.strip() and e.measured_by.strip() and e.recognized_by.strip()
    }
    panel = program.panel.count()
    first_session = program.sessions.order_by("starts_on").first()
    items: list[Item] = []

    def add(key: str, ok: bool, detail: str, todo: str, action: str) -> None:
        items.append(Item(key, ok, detail, "" if ok else todo, action))

    owner = program.owner
    add(
        "owner_named",
        owner is not None,
        f"{owner.name} owns the program." if owner else "Nobody is accountable for the program.",
        "Name one accountable, sales-savvy owner.",
        "programs:edit",
    )

    warnings = owner_warnings(program, profile, settings)
    if owner is None:
        fit_detail = "No owner to assess."
    elif profile is None and not warnings:
        fit_detail = "The owner's profile is not filled in."
    else:
        fit_detail = " ".join(warnings) or "Sales-experienced, with the time and the incentive."
    add(
        "owner_fit",
        owner is not None and profile is not None and not warnings,
        fit_detail,
        "Record the owner's experience, time and incentives, and fix the warnings.",
        "readiness:owner",
    )

    add(
        "goals_with_baselines",
        bool(goals),
        f"{len(goals)} goal{'s' if len(goals) != 1 else ''} with baselines and targets."
        if goals
        else "No business goal with a baseline yet.",
        "Add the KPIs the program must move, with their baseline and target.",
        "readiness:goal_create",
    )

    short = [g for g in goals if g.horizon_days < settings.min_horizon_days]
    add(
        "measurement_horizon",
        bool(goals) and not short,
        (
            f"Measured {min(g.horizon_days for g in goals)}+ days after the workshop."
            if goals and not short
            else "No goals to measure."
            if not goals
            else f"{', '.join(g.label for g in short)} measured before {settings.min_horizon_days} "
            "days: effects fade by 90-120 days."
        ),
        f"Measure every goal at least {settings.min_horizon_days} days after the workshop.",
        "readiness:prepare",
    )

    missing = [label for value, label in Factor.choices if value not in factors]
    add(
        "needs_assessment",
        not missing,
        "All factors training cannot fix are rated."
        if not missing
        else f"Not rated: {', '.join(missing)}.",
        "Rate each factor none, minor or major, with notes.",
        "readiness:needs",
    )

    why_ok = why is not None and bool(why.market_change.strip() and why.status_quo.strip())
    add(
        "why_message",
        why_ok,
        f"Written by {why.author.name}." if why_ok and why else "No leadership message yet.",
        "Have an executive write what changed and why the status quo is not okay.",
        "readiness:why",
    )

    if first_session is not None:
        # Touches after the workshop started do not prepare anyone for it.
        touches = [t for t in touches if t.date <= first_session.starts_on]
    channels = {t.channel for t in touches}
    reasons = []
    if len(touches) < settings.min_touches:
        reasons.append(f"{len(touches)} of {settings.min_touches} touches")
    if len(channels) < settings.min_channels:
        reasons.append(f"{len(channels)} of {settings.min_channels} channels")
    if first_session is None:
        reasons.append("no workshop session scheduled to plan against")
    elif (
        not touches
        or (first_session.starts_on - touches[0].date).days < settings.first_touch_lead_days
    ):
        reasons.append(
            f"the first touch must be at least {settings.first_touch_lead_days} days before "
            f"the first session ({first_session.starts_on:%Y-%m-%d})"
        )
    add(
        "dissemination",
        not reasons,
        f"{len(touches)} touches over {len(channels)} channels, starting early enough."
        if not reasons
        else "; ".join(reasons).capitalize() + ".",
        f"Plan at least {settings.min_touches} touches over {settings.min_channels} channels, "
        f"the first {settings.first_touch_lead_days} days before the workshop.",
        "readiness:touch_create",
    )

    roles_missing = [label for value, label in ExpectationRole.choices if value not in expectations]
    add(
        "expectations_per_role",
        not roles_missing,
        "Executives, managers and reps know what changes, how it is measured and rewarded."
        if not roles_missing
        else f"Missing for: {', '.join(roles_missing).lower()}.",
        "Write what each role will do differently, how it is measured and rewarded.",
        "readiness:prepare",
    )

    add(
        "managers_engaged",
        panel > 0,
        f"{panel} manager{'s' if panel != 1 else ''} on the customization panel."
        if panel
        else "No customization panel: managers have not shaped the program.",
        "Put managers on the customization panel with the scenarios they bring.",
        "readiness:panel_create",
    )

    trained_ok, trained_detail = managers_trained_first(training_order(program))
    add(
        "managers_trained_first",
        trained_ok,
        trained_detail,
        "Schedule each manager in a session before or with her reps.",
        "readiness:managers",
    )

    share = round(program.reinforcement_share * 100)
    activities = plan.activities if plan else []
    plan_reasons = []
    if not activities:
        plan_reasons.append("no reinforcement activities planned")
    if share < settings.min_reinforcement_share:
        plan_reasons.append(
            f"{share}% of the budget after the workshop "
            f"(at least {settings.min_reinforcement_share}%)"
        )
    add(
        "reinforcement_plan",
        not plan_reasons,
        f"{', '.join(activities).capitalize()}; {share}% of the budget after the workshop."
        if not plan_reasons
        else "; ".join(plan_reasons).capitalize() + ".",
        "Plan coaching, refreshers, 90-day plans and certification, and budget for them.",
        "readiness:reinforcement",
    )

    m_ok = measurement is not None and bool(
        measurement.method.strip() and measurement.comparison_group.strip()
    )
    groups = measurement_groups(program=program)
    counts = (
        f"{groups.n_trained} trained reps against {groups.n_comparison} comparison reps "
        "(not trained in this program)"
    )
    if m_ok and measurement:
        m_detail = (
            f"{counts}, compared with a group "
            f"{measurement.get_comparison_kind_display().lower()}: "
            f"{measurement.comparison_group}."
        )
    elif groups.n_comparison:
        m_detail = f"{counts}, but no measurement plan says how impact is judged."
    else:
        m_detail = (
            "No comparison group: every rep is trained, so a change could not be told "
            "apart from the market."
        )
    add(
        "control_group_plan",
        m_ok,
        m_detail,
        "Say how impact is measured and which later-trained or untrained group compares.",
        "readiness:measurement",
    )

    return Readiness(ready=all(i.ok for i in items), items=items)
