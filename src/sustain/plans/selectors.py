"""Reads of plans: a plan with its dated phases, a team's progress, a program's aggregates.
Each costs a fixed number of queries whatever the number of reps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from sustain.orgs import access, privacy
from sustain.orgs.models import Person, Role, Team
from sustain.plans import rules
from sustain.plans.models import CheckIn, Phase, Plan
from sustain.programs.models import Program

# The imported KPI read as quota attainment (first found wins), values 1.0 = 100% of quota.
ATTAINMENT_KPI_KEYS = ("attainment", "quota_attainment")


def attainment_periods(rep: Person) -> list[float]:
    """The rep's quota attainment per period, oldest first (1.0 = 100%), from the metrics
    KPI store: the values of her organization's `attainment` KPI (or `quota_attainment`).
    [] when no such KPI has been imported; then only the manager's below-quota flag makes a
    plan mandatory for performance."""
    from sustain.metrics.models import KpiDefinition, KpiValue

    keys = dict(
        KpiDefinition.objects.filter(
            organization=rep.organization_id,
            key__in=ATTAINMENT_KPI_KEYS,
        ).values_list("key", "pk")
    )
    kpi_id = next((keys[k] for k in ATTAINMENT_KPI_KEYS if k in keys), None)
    if kpi_id is None:
        return []
    return list(
        KpiValue.objects.filter(rep=rep, kpi_id=kpi_id)
        .order_by("period")
        .values_list("value", flat=True)
    )


def attainment_by_rep(*, organization_id: int, reps: Any) -> dict[int, list[float]]:
    """`attainment_periods` for many reps in one query; `reps` is a queryset of ids."""
    from sustain.metrics.models import KpiDefinition, KpiValue

    keys = dict(
        KpiDefinition.objects.filter(
            organization_id=organization_id, key__in=ATTAINMENT_KPI_KEYS
        ).values_list("key", "pk")
    )
    kpi_id = next((keys[k] for k in ATTAINMENT_KPI_KEYS if k in keys), None)
    if kpi_id is None:
        return {}
    out: dict[int, list[float]] = {}
    rows = (
        KpiValue.objects.filter(kpi_id=kpi_id, rep_id__in=reps)
        .order_by("rep_id", "period")
        .values_list("rep_id", "value")
    )
    for rep_id, value in rows:
        out.setdefault(rep_id, []).append(value)
    return out


def reps_without_plan(*, program: Program) -> int:
    """Trained reps of the program who have no plan yet (what generation would create)."""
    return program.enrollments.filter(
        role=Role.REP, trained_on__isnull=False, plan__isnull=True, person__is_active=True
    ).count()


@dataclass
class DatedPhase:
    phase: Phase
    start: dt.date
    end: dt.date  # inclusive

    @property
    def concept(self) -> str:
        return self.phase.concept.name


def dated_phases(plan: Plan, phases: list[Phase] | None = None) -> list[DatedPhase]:
    phases = phases if phases is not None else list(plan.phases.select_related("concept"))
    out, start = [], plan.start
    for phase in sorted(phases, key=lambda p: p.position):
        end = start + dt.timedelta(days=phase.days - 1)
        out.append(DatedPhase(phase=phase, start=start, end=end))
        start = end + dt.timedelta(days=1)
    return out


@dataclass
class PlanProgress:
    plan: Plan
    phases: list[DatedPhase]
    today: dt.date
    check_ins: list[CheckIn] = field(default_factory=list)

    @property
    def end(self) -> dt.date:
        return self.phases[-1].end if self.phases else self.plan.start

    @property
    def status(self) -> str:
        if self.today < self.plan.start:
            return "not started"
        return "finished" if self.today > self.end else "in progress"

    @property
    def current(self) -> DatedPhase | None:
        for dp in self.phases:
            if dp.start <= self.today <= dp.end:
                return dp
        return None

    @property
    def percent(self) -> int:
        total = (self.end - self.plan.start).days + 1
        done = (min(self.today, self.end) - self.plan.start).days + 1
        return max(0, min(100, round(100 * done / total))) if total > 0 else 0

    @property
    def checked_weeks(self) -> set[dt.date]:
        return {c.week for c in self.check_ins}

    @property
    def due_weeks(self) -> list[dt.date]:
        """Weeks of the plan already over: each of them should have a check-in."""
        this_week = rules.weeks_between(self.today, self.today)[0]
        last = min(self.end, this_week - dt.timedelta(days=1))
        return rules.weeks_between(self.plan.start, last) if last >= self.plan.start else []

    @property
    def missed(self) -> int:
        checked = self.checked_weeks
        return sum(1 for w in self.due_weeks if w not in checked)

    @property
    def streak(self) -> int:
        return rules.streak(
            self.checked_weeks, this_week=rules.weeks_between(self.today, self.today)[0]
        )

    @property
    def last_rating(self) -> int | None:
        return self.check_ins[0].rating if self.check_ins else None

    @property
    def overdue_commitment(self) -> bool:
        return self.plan.committed_at is None and self.plan.flagged_at is not None


def _plans_with_everything(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    return plans.select_related("rep__team", "program", "enrollment").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.select_related("concept")),
        Prefetch("check_ins", queryset=CheckIn.objects.order_by("-week")),
        "items",
    )


def plan_progress(plan: Plan, *, today: dt.date) -> PlanProgress:
    plan = _plans_with_everything(Plan.objects.filter(pk=plan.pk)).get()
    return PlanProgress(
        plan=plan,
        phases=dated_phases(plan, list(plan.phases.all())),
        today=today,
        check_ins=list(plan.check_ins.all()),
    )


def plans_progress(plans: QuerySet[Plan], *, today: dt.date) -> list[PlanProgress]:
    return plans_progress_of(list(_plans_with_everything(plans)), today=today)


def plans_with_everything(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """`plans` with what `plans_progress_of` reads, in the list's order (by rep, then id)."""
    return _plans_with_everything(plans).order_by("rep__name", "pk")


def plans_progress_of(plans: list[Plan], *, today: dt.date) -> list[PlanProgress]:
    """The progress of plans loaded by `plans_with_everything` (e.g. one page of them)."""
    return [
        PlanProgress(
            plan=p,
            phases=dated_phases(p, list(p.phases.all())),
            today=today,
            check_ins=list(p.check_ins.all()),
        )
        for p in plans
    ]


def plan_for_rep(rep: Person) -> Plan | None:
    """The rep's latest plan (a rep in several programs works the newest one)."""
    return Plan.objects.filter(rep=rep).order_by("-start", "-pk").first()


def team_plans(*, viewer: Person, team: Team) -> QuerySet[Plan]:
    # A deactivated rep's plan leaves the team's list; it stays in the program's history.
    return access.plans_visible_to(viewer).filter(rep__team=team, rep__is_active=True)


def team_progress(*, viewer: Person, team: Team, today: dt.date) -> list[PlanProgress]:
    return plans_progress(team_plans(viewer=viewer, team=team), today=today)


def program_summary(
    *, program: Program, today: dt.date, viewer: Person | None = None
) -> dict[str, object]:
    """Aggregates only (the trainer sees these): counts and averages, no names. The rates
    over fewer than k reps are withheld from a viewer who may not see the reps."""
    progress = plans_progress(Plan.objects.filter(program=program), today=today)
    n = len(progress)
    ratings = [p.last_rating for p in progress if p.last_rating is not None]
    due = sum(len(p.due_weeks) for p in progress)
    missed = sum(p.missed for p in progress)
    if not privacy.shown(viewer, n, organization=program.organization):
        ratings, due = [], 0
    return {
        "plans": n,
        "committed": sum(1 for p in progress if p.plan.committed_at),
        "mandatory": sum(1 for p in progress if p.plan.mandatory),
        "in_progress": sum(1 for p in progress if p.status == "in progress"),
        "finished": sum(1 for p in progress if p.status == "finished"),
        "check_in_rate": (due - missed) / due if due else None,
        "average_rating": sum(ratings) / len(ratings) if ratings else None,
        "suppressed": None
        if privacy.shown(viewer, n, organization=program.organization)
        else privacy.withheld(viewer, organization=program.organization),
    }
