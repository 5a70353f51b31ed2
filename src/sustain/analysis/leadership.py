"""Reads for the leadership view and report: did the program work? Per goal KPI the
effect in its unit and plain words, whether it holds at days 90 and 120 (overall and in
the reinforcement split, e.g. where managers coach and where they don't), the ROI, the
trained and comparison counts from the one selector, health and what to do next."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from sustain.analysis.models import AnalysisRun, RunStatus
from sustain.analysis.selectors import estimated, run_shown
from sustain.metrics.models import KpiDefinition
from sustain.metrics.units import all_finite, effect_words, format_value, period_word, verdict
from sustain.orgs import access, privacy
from sustain.orgs.models import Person
from sustain.programs.models import Program
from sustain.programs.selectors import (
    GroupSizes,
    measurement_group_sizes,
    measurement_group_sizes_for,
)

FADE_DAYS = (90, 120)
HOLDING, UNCLEAR, NOT_YET = "holding", "no clear effect", "not observed yet"


@dataclass
class Fade:
    """The effect at a day since training: holding (its interval excludes zero), no clear
    effect (the interval includes zero) or not observed yet."""

    days: int
    state: str
    value: str = ""


@dataclass
class SplitLine:
    label: str
    words: str
    fades: list[Fade]
    faded_at_days: float | None


@dataclass
class Goal:
    kpi: KpiDefinition
    run: AnalysisRun
    value: str  # "+$2,240"
    words: str  # "+$2,240 Revenue per rep per week since training"
    ci: str
    verdict: str  # "better" | "worse" | "no clear change"
    fades: list[Fade]
    faded_at_days: float | None
    splits: list[SplitLine] = field(default_factory=list)
    roi: dict[str, Any] | None = None
    used_trained: int = 0
    used_comparison: int = 0
    left_out: list[str] = field(default_factory=list)
    chart: str = ""  # SVG of the effect by time since training (the report fills it)


@dataclass
class Leadership:
    program: Program
    groups: GroupSizes
    goals: list[Goal]
    withheld: list[str]  # KPI names whose effect is withheld from this viewer
    sees_costs: bool
    health_url: str
    next_steps: list[str]


def _finite(event_study: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event-study points with numbers (extreme data can leave some null)."""
    keys = ("e", "att", "ci_low", "ci_high")
    return [
        e
        for e in event_study
        if all(isinstance(e.get(k), int | float) and math.isfinite(e[k]) for k in keys)
    ]


def _fades(event_study: list[dict[str, Any]], period_days: float) -> list[Fade]:
    event_study = _finite(event_study)
    out = []
    for days in FADE_DAYS:
        at = next((e for e in event_study if e["e"] * period_days >= days), None)
        if at is None:
            out.append(Fade(days=days, state=NOT_YET))
        elif at["ci_low"] > 0 or at["ci_high"] < 0:
            out.append(Fade(days=days, state=HOLDING))
        else:
            out.append(Fade(days=days, state=UNCLEAR))
    return out


def _faded_at(event_study: list[dict[str, Any]], period_days: float) -> float | None:
    """First post-training day from which every later interval includes zero."""
    post = [e for e in _finite(event_study) if e["e"] >= 0]
    faded: float | None = None
    for e in reversed(post):
        if e["ci_low"] > 0 or e["ci_high"] < 0:
            break
        faded = e["e"]
    if faded is None or faded == (post[0]["e"] if post else None):
        return None
    return faded * period_days


SPLIT_WORDS = {
    ("coached", "yes"): "where managers coach",
    ("coached", "no"): "where managers don't coach",
}


def split_label(by: str, value: str) -> str:
    return SPLIT_WORDS.get((by, str(value)), f"{by}: {value}")


def latest_runs(*, program: Program) -> list[AnalysisRun]:
    """The latest finished run per KPI (one query)."""
    return latest_runs_for([program])[program.pk]


def latest_runs_for(programs: list[Program]) -> dict[int, list[AnalysisRun]]:
    """`latest_runs` of several programs, in one query."""
    seen: dict[int, dict[int, AnalysisRun]] = {p.pk: {} for p in programs}
    for run in (
        AnalysisRun.objects.filter(program__in=programs, status=RunStatus.DONE)
        .select_related("kpi", "program__organization")
        .order_by("-finished_at", "-id")
    ):
        seen[run.program_id].setdefault(run.kpi_id, run)
    return {
        pk: sorted(runs.values(), key=lambda r: (not r.kpi.monetary, r.kpi.name))
        for pk, runs in seen.items()
    }


def goal_for(run: AnalysisRun, *, sees_costs: bool) -> Goal:
    kpi, r = run.kpi, run.result or {}
    meta = r.get("meta", {})
    pdays = float(meta.get("period_days") or 7.0)
    o = r["overall"]
    goal = Goal(
        kpi=kpi,
        run=run,
        value=format_value(kpi, o["att"], signed=True),
        words=effect_words(kpi, o["att"], period_days=pdays),
        ci=f"{format_value(kpi, o['ci_low'], signed=True)} to "
        f"{format_value(kpi, o['ci_high'], signed=True)}",
        verdict=verdict(kpi, o["att"], o["ci_low"], o["ci_high"]),
        fades=_fades(r.get("event_study", []), pdays),
        faded_at_days=_faded_at(r.get("event_study", []), pdays),
        used_trained=meta.get("n_trained", 0),
        used_comparison=meta.get("n_comparison", 0),
    )
    left = []
    if meta.get("trained_without_data"):
        left.append(f"{meta['trained_without_data']} trained reps have no {kpi.name} values")
    if meta.get("dropped_trained_before_data"):
        left.append(
            f"{meta['dropped_trained_before_data']} trained reps were trained before the "
            f"{kpi.name} values begin"
        )
    if meta.get("comparison_without_data"):
        left.append(f"{meta['comparison_without_data']} comparison reps have no {kpi.name} values")
    goal.left_out = left
    for value, sub in (r.get("by") or {}).items():
        so = sub["overall"]
        goal.splits.append(
            SplitLine(
                label=split_label(run.by, value),
                words=f"{format_value(kpi, so['att'], signed=True)} per rep per "
                f"{period_word(pdays)}",
                fades=_fades(sub.get("event_study", []), pdays),
                faded_at_days=_faded_at(sub.get("event_study", []), pdays),
            )
        )
    roi = r.get("roi") or {}
    ci = roi.get("ci") or [None, None]
    # A run over extreme data may hold nulls where numbers would be: then no ROI is shown.
    if sees_costs and all_finite(roi.get("roi"), *ci[:2]):
        goal.roi = {
            "roi_percent": round(roi["roi"] * 100),
            "ci_percent": (round(roi["ci"][0] * 100), round(roi["ci"][1] * 100)),
            "benefit": format_value(kpi, roi["benefit"]),
            "cost": format_value(kpi, roi["cost"]),
        }
    return goal


def health_url(program: Program) -> str:
    return reverse("health:program", args=[program.pk])


def _next_steps(lead: Leadership) -> list[str]:
    steps = []
    if not lead.goals and not lead.withheld:
        steps.append("Run the impact analysis on the program's goal KPI.")
    if lead.groups.n_comparison == 0:
        steps.append("Keep a group untrained (or trained later) so the effect can be measured.")
    for g in lead.goals:
        faded = [s for s in g.splits if any(f.state == UNCLEAR for f in s.fades)]
        holds = [s for s in g.splits if s not in faded]
        if faded and holds:
            steps.append(
                f"{g.kpi.name}: the effect holds {', '.join(s.label for s in holds)}, not "
                f"{', '.join(s.label for s in faded)} — make that follow-through (coaching "
                "cadence, refreshers) the rule everywhere."
            )
        elif any(f.state == UNCLEAR for f in g.fades):
            day = next(f.days for f in g.fades if f.state == UNCLEAR)
            steps.append(
                f"{g.kpi.name}: the effect is no longer clear by day {day} — restart coaching "
                "and refreshers."
            )
        elif g.verdict == "no clear change":
            steps.append(
                f"{g.kpi.name}: no clear change yet — check follow-through before judging."
            )
        if not g.splits:
            steps.append(
                f"{g.kpi.name}: split the analysis by coaching to see where the effect holds."
            )
    if lead.health_url:
        steps.append("Check follow-through health for the teams where it is falling.")
    return steps


def leadership_of(
    *, viewer: Person, programs: list[Program], groups: dict[int, GroupSizes] | None = None
) -> list[Leadership]:
    """`leadership_for` of several programs of one organization, in three queries (two
    when their `measurement_group_sizes_for` are given)."""
    runs = latest_runs_for(programs)
    groups = measurement_group_sizes_for(programs) if groups is None else groups
    return [
        leadership_for(viewer=viewer, program=p, runs=runs[p.pk], groups=groups[p.pk])
        for p in programs
    ]


def leadership_for(
    *,
    viewer: Person,
    program: Program,
    runs: list[AnalysisRun] | None = None,
    groups: GroupSizes | None = None,
) -> Leadership:
    """What the viewer may see of the program's results (call only when sees_impact)."""
    sees_costs = access.sees_impact_costs(viewer, program)
    goals, withheld = [], []
    for run in latest_runs(program=program) if runs is None else runs:
        if not estimated(run):  # extreme data: the analysis page says why
            continue
        if run_shown(viewer, run):
            goals.append(goal_for(run, sees_costs=sees_costs))
        else:
            withheld.append(run.kpi.name)
    lead = Leadership(
        program=program,
        groups=measurement_group_sizes(program=program) if groups is None else groups,
        goals=goals,
        withheld=withheld,
        sees_costs=sees_costs,
        health_url=health_url(program),
        next_steps=[],
    )
    lead.next_steps = _next_steps(lead)
    return lead


def withheld_text(viewer: Person, program: Program) -> str:
    return privacy.withheld(viewer, organization=program.organization)
