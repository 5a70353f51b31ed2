"""The leadership report per program, as a page and a PDF: readiness, follow-through,
Kirkpatrick levels 1-4, the impact with the fade and the reinforcement split, ROI, the
needs-assessment context and recommendations. One context feeds both renderings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sustain.analysis import selectors
from sustain.analysis.leadership import Leadership, _finite, leadership_for, split_label
from sustain.analysis.models import KirkpatrickSummary
from sustain.health.selectors import health_for
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.programs.models import Program
from sustain.programs.selectors import measurement_group_sizes


@dataclass
class Report:
    program: Program
    lead: Leadership
    readiness: Any | None  # readiness.checks.Readiness, for those who see preparation
    levels: list[dict[str, Any]]
    needs: list[Any]
    sees_needs_notes: bool
    health: dict[str, Any] | None  # health_summary
    # When levels 1-3 were computed (None: not yet, a background refresh is on its way).
    kirkpatrick_as_of: dt.datetime | None = None


def health_summary(*, viewer: Person, program: Program) -> dict[str, Any] | None:
    """The program's latest follow-through health as the report tells it: the score, the
    signals that pulled it down, and the weakest teams the viewer may see."""
    rows = health_for(viewer=viewer, program=program)
    row = rows["program"]
    if row is None:
        return None
    return {
        "day": rows["day"],
        "score": row.score,
        "weak_signals": [s for s in row.explained if s["status"] != "ok"],
        "weakest_teams": rows["teams"][:3],
    }


def report_for(*, viewer: Person, program: Program, summary: KirkpatrickSummary | None) -> Report:
    """Call with a program the viewer `sees_impact` of, and its stored Kirkpatrick
    `summary` (`services.kirkpatrick_request`)."""
    from sustain.readiness.checks import readiness_for

    groups = measurement_group_sizes(program=program)  # the leadership and readiness both
    lead = leadership_for(viewer=viewer, program=program, groups=groups)
    for g in lead.goals:
        g.chart = effect_svg(g.run.result or {}, by=g.run.by)
    first_run = lead.goals[0].run if lead.goals else None
    return Report(
        program=program,
        lead=lead,
        readiness=readiness_for(program, groups=groups)
        if access.can_see_preparation(viewer, program)
        else None,
        levels=selectors.kirkpatrick(
            program=program, run=first_run, summary=summary, viewer=viewer
        ),
        needs=selectors.needs_context(program=program),
        sees_needs_notes=access.sees_impact_costs(viewer, program),
        health=health_summary(viewer=viewer, program=program),
        kirkpatrick_as_of=summary.computed_at if summary is not None else None,
    )


def effect_series(result: dict[str, Any], by: str) -> list[tuple[str, list[dict[str, Any]]]]:
    series = [("All trained reps", result.get("event_study", []))]
    for value, sub in (result.get("by") or {}).items():
        series.append((split_label(by, value), sub.get("event_study", [])))
    return series


COLOURS = ("#2563eb", "#16a34a", "#dc2626", "#9333ea")


def effect_svg(result: dict[str, Any], *, by: str = "", width: int = 640, height: int = 240) -> str:
    """A plain SVG line chart of the effect by periods since training, each series with its
    confidence band, zero, the training and days 90 and 120 marked. Drawn here so the
    page and the PDF need no browser."""
    series = [(label, _finite(rows)) for label, rows in effect_series(result, by)]
    series = [(label, rows) for label, rows in series if rows]
    if not series:
        return ""
    pdays = float(result.get("meta", {}).get("period_days") or 7.0)
    xs: list[float] = [r["e"] for _, rows in series for r in rows] + [0, 120 / pdays]
    ys: list[float] = [
        v for _, rows in series for r in rows for v in (r["ci_low"], r["ci_high"])
    ] + [0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    y0, y1 = (y0 - 1, y1 + 1) if y0 == y1 else (y0, y1)
    left, right, top, bottom = 56, 12, 12, 40

    def sx(x: float) -> float:
        return left + (x - x0) / ((x1 - x0) or 1) * (width - left - right)

    def sy(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="Effect by time since training">',
        f'<line x1="{left}" x2="{width - right}" y1="{sy(0):.1f}" y2="{sy(0):.1f}" '
        'stroke="#9ca3af"/>',
    ]
    marks = ((0, "training"), (90 / pdays, "day 90"), (120 / pdays, "day 120"))
    for i, (e, label) in enumerate(marks):
        # Each label a line lower than the one before: day 90 and day 120 stand close.
        parts.append(
            f'<line x1="{sx(e):.1f}" x2="{sx(e):.1f}" y1="{top}" y2="{height - bottom}" '
            f'stroke="#6b7280" stroke-dasharray="4 4"/><text x="{sx(e) - 3:.1f}" '
            f'y="{top + 10 + 12 * i}" font-size="10" text-anchor="end" fill="#6b7280">'
            f"{label}</text>"
        )
    for value in (y0, y1):
        parts.append(
            f'<text x="{left - 4}" y="{sy(value) + 3:.1f}" font-size="10" '
            f'text-anchor="end" fill="#374151">{value:,.0f}</text>'
        )
    for i, (label, rows) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        rows = sorted(rows, key=lambda r: r["e"])
        band = [f"{sx(r['e']):.1f},{sy(r['ci_high']):.1f}" for r in rows] + [
            f"{sx(r['e']):.1f},{sy(r['ci_low']):.1f}" for r in reversed(rows)
        ]
        line = " ".join(f"{sx(r['e']):.1f},{sy(r['att']):.1f}" for r in rows)
        parts.append(f'<polygon points="{" ".join(band)}" fill="{colour}" opacity="0.15"/>')
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(
            f'<rect x="{left + 200 * i}" y="{height - 15}" width="10" height="10" '
            f'fill="{colour}"/><text x="{left + 200 * i + 14}" y="{height - 6}" '
            f'font-size="11" fill="{colour}">{_escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
