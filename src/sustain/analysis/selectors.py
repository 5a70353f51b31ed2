"""Reads for the analysis page: the latest run, the event-study chart spec, the
Kirkpatrick summary and the needs-assessment context. Levels 1-3 come from other apps:
each app registers its providers, and a level with no figure shows as "not measured yet"."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from sustain.analysis.models import AnalysisRun, KirkpatrickSummary
from sustain.metrics.models import KpiDefinition
from sustain.metrics.units import format_value
from sustain.orgs import privacy
from sustain.orgs.models import Person
from sustain.programs.models import Program
from sustain.readiness import selectors as readiness_selectors

# level -> providers returning [{"label", "value"}] or None when nothing is measured.
Provider = Callable[[Program], Sequence[Mapping[str, object]] | None]
KIRKPATRICK_PROVIDERS: dict[int, list[Provider]] = {1: [], 2: [], 3: []}
LEVELS = [
    (1, "Reaction", "buy-in pulse"),
    (2, "Learning", "refresher retention and certification"),
    (3, "Behaviour", "rubric scores and adoption"),
    (4, "Results", "the effect on the KPI against the comparison group"),
]


def register_kirkpatrick(level: int, provider: Provider) -> None:
    KIRKPATRICK_PROVIDERS[level].append(provider)


def _pulse(program: Program) -> list[dict[str, str]] | None:
    rows = [p for p in readiness_selectors.pulse_by_team(program=program) if p.average is not None]
    if not rows:
        return None
    return [{"label": f"Buy-in pulse, {p.team}", "value": f"{p.average:.1f}"} for p in rows]


register_kirkpatrick(1, _pulse)


def runs_for(*, program: Program, kpi: KpiDefinition) -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.filter(program=program, kpi=kpi).select_related("kpi")


def _within_k(viewer: Person | None, program: Program, item: dict[str, Any]) -> dict[str, Any]:
    people = item.get("people")
    if people is None or privacy.shown(viewer, people, organization=program.organization):
        return item
    return {**item, "value": privacy.withheld(viewer, organization=program.organization)}


def kirkpatrick_measured(program: Program) -> dict[str, list[dict[str, Any]]]:
    """Levels 1-3 as each app's providers measure them now: what the background refresh
    stores (`services.kirkpatrick_refresh`), keyed "1".."3" (JSON keys). Each item may say
    how many distinct people stand behind it ("people")."""
    return {
        str(level): [
            dict(item)
            for provider in KIRKPATRICK_PROVIDERS[level]
            for item in provider(program) or []
        ]
        for level, _name, _measures in LEVELS[:3]
    }


def kirkpatrick(
    *,
    program: Program,
    run: AnalysisRun | None,
    summary: KirkpatrickSummary | None,
    viewer: Person | None = None,
) -> list[dict[str, Any]]:
    """The four levels: 1-3 from the stored `summary` (each level `pending` while it has
    never been computed), 4 from the run. A figure over fewer than k people is withheld
    from a viewer who may not see them one by one (None: the rule for everyone)."""
    computed = summary is not None and summary.computed_at is not None
    stored = summary.levels if summary is not None and computed else {}
    levels = []
    for level, name, measures in LEVELS[:3]:
        items = [_within_k(viewer, program, dict(i)) for i in stored.get(str(level), [])]
        levels.append(
            {
                "level": level,
                "name": name,
                "measures": measures,
                "items": items,
                "pending": not computed,
            }
        )
    items = []
    if run is not None and run.result and run_shown(viewer, run):
        from sustain.metrics.units import effect_words, format_value

        overall = run.result.get("overall") or {}
        pdays = run.result.get("meta", {}).get("period_days")
        if estimated(run):
            value = (
                f"{effect_words(run.kpi, overall['att'], period_days=pdays)} "
                f"(95% CI {format_value(run.kpi, overall['ci_low'], signed=True)} to "
                f"{format_value(run.kpi, overall['ci_high'], signed=True)})"
            )
        else:
            value = f"{_number(overall.get('att'))}"
        items.append(
            {
                "label": f"Effect on {run.kpi.name}",
                "value": value,
            }
        )
    levels.append(
        {"level": 4, "name": "Results", "measures": LEVELS[3][2], "items": items, "pending": False}
    )
    return levels


def run_shown(viewer: Person | None, run: AnalysisRun) -> bool:
    """An effect estimated from fewer than k trained (or comparison) reps is, for a viewer
    who may not see them one by one, close to a person's own numbers: withheld."""
    meta = (run.result or {}).get("meta", {})
    people = min(meta.get("n_trained", 0), meta.get("n_comparison", 0))
    return privacy.shown(viewer, people, organization=run.program.organization)


def _number(value: Any) -> str:
    """A stored number for reading; a result computed from extreme data may hold null."""
    if isinstance(value, int | float) and math.isfinite(value):
        return f"{value:,.2f}"
    return "not estimable"


def estimated(run: AnalysisRun | None) -> bool:
    """Whether a finished run has an overall effect to show (extreme or degenerate data
    can leave it null even when the engine did not refuse them)."""
    att = ((run.result or {}).get("overall") or {}).get("att") if run else None
    return isinstance(att, int | float) and math.isfinite(att)


def run_history(*, program: Program, kpi: KpiDefinition, limit: int = 10) -> list[AnalysisRun]:
    return list(
        AnalysisRun.objects.filter(program=program, kpi=kpi)
        .defer("result")
        .order_by("-created_at", "-id")[:limit]
    )


def needs_context(*, program: Program) -> list[Any]:
    return list(readiness_selectors.needs_context(program=program))


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _periods_word(period_days: Any, count: int) -> str:
    days = _finite(period_days)
    unit = {1: "day", 7: "week"}.get(round(days), "period") if days else "period"
    if days and 28 <= days <= 31:
        unit = "month"
    return f"{count} {unit}{'s' if count != 1 else ''}"


def sensitivity_summary(
    *,
    result: dict[str, Any] | None,
    period_days: Any = None,
    kpi: KpiDefinition | None = None,
) -> dict[str, Any] | None:
    """The HonestDiD sensitivity in plain words, with its rows (intervals in the KPI's
    unit when given); None when the run has none (older runs, or sensitivity off) and no
    note either. Tolerates missing or non-finite values (a bound with no interval shows
    as a dash)."""
    value: Callable[[float], str] = (
        _number if kpi is None else lambda v: format_value(kpi, v, signed=True)
    )
    result = result or {}
    sens = result.get("sensitivity")
    note = (result.get("meta") or {}).get("sensitivity_note")
    if not isinstance(sens, dict):
        return {"note": note} if note else None
    kind = "rm" if sens.get("type") == "rm" else "smooth"
    letter = "M̄" if kind == "rm" else "M"
    rows = []
    for row in sens.get("rows") or []:
        low, high = _finite(row.get("ci_low")), _finite(row.get("ci_high"))
        bound = _finite(row.get("mbar"))
        rows.append(
            {
                "bound": "—" if bound is None else f"{bound:.3g}",
                "ci": "—" if low is None or high is None else f"{value(low)} to {value(high)}",
                "excludes_zero": low is not None and high is not None and (low > 0 or high < 0),
            }
        )
    count = (result.get("meta") or {}).get("sensitivity_periods")
    target = (
        f"The average effect over the first {_periods_word(period_days, int(count))} after training"
        if sens.get("e") == "avg" and isinstance(count, int)
        else "The average effect after training"
        if sens.get("e") == "avg"
        else f"The effect {_number(sens.get('e'))} periods after training"
    )
    breakdown = _finite(sens.get("breakdown_mbar"))
    original = sens.get("original") or {}
    low, high = _finite(original.get("ci_low")), _finite(original.get("ci_high"))
    significant = low is not None and high is not None and (low > 0 or high < 0)
    if breakdown is None:
        why = (
            "it is not significant even if parallel trends hold exactly"
            if not significant
            else "its robust interval includes zero already"
        )
        words = f"{target} is not robust even to {letter} = 0: {why}."
    elif kind == "rm":
        words = (
            f"{target} stays significant unless post-training violations of parallel trends "
            f"exceed {letter} = {breakdown:.2g} times the largest pre-training one."
        )
    else:
        words = (
            f"{target} stays significant unless the slope of the difference in trends may "
            f"change by more than M = {breakdown:.3g} per period after training."
        )
    return {
        "kind": kind,
        "letter": letter,
        "name": "relative magnitudes" if kind == "rm" else "smoothness",
        "words": words,
        "breakdown": breakdown,
        "rows": rows,
        "original": "—" if low is None or high is None else f"{value(low)} to {value(high)}",
        "note": note,
    }
