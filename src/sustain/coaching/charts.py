"""Vega-Lite specs of the coaching pages, from data read by `coaching.selectors`."""

from __future__ import annotations

from typing import Any

from sustain.coaching import selectors
from sustain.coaching.models import Score
from sustain.orgs.models import Person
from sustain.programs.models import Program
from sustain.web.charts import VEGA_LITE


def skill_trend_spec(*, rep: Person, program: Program | None = None) -> dict[str, Any]:
    """Vega-Lite: the rep's score per concept over time."""
    values = selectors.skill_trend_rows(rep=rep, program=program)
    return {
        "$schema": VEGA_LITE,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None},
            "y": {
                "field": "score",
                "type": "quantitative",
                "title": "Rubric score",
                "scale": {"domain": [1, 4]},
                "axis": {"values": [1, 2, 3, 4], "format": "d"},
            },
            "color": {
                "field": "concept",
                "type": "nominal",
                "title": "Concept",
                "sort": {"field": "position", "op": "min"},
            },
            "tooltip": [
                {"field": "date", "type": "temporal"},
                {"field": "concept"},
                {"field": "score"},
            ],
        },
    }


def distribution_spec(*, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Vega-Lite: the share of reps at each score per concept, from
    `selectors.distribution_rows` (counted now or stored)."""
    return {
        "$schema": VEGA_LITE,
        "width": "container",
        "height": 220,
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "y": {
                "field": "concept",
                "type": "nominal",
                "title": None,
                "sort": {"field": "position", "op": "min"},
            },
            "x": {
                "field": "reps",
                "type": "quantitative",
                "stack": "normalize",
                "title": "Share of reps (latest score)",
            },
            "color": {
                "field": "level",
                "type": "ordinal",
                "title": "Score",
                "sort": [s.label for s in Score],
                "scale": {"scheme": "blues"},
            },
            "order": {"field": "score"},
            "tooltip": [{"field": "concept"}, {"field": "level"}, {"field": "reps"}],
        },
    }


def observer_weeks_spec(*, weeks: int = 26, **kwargs: Any) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE,
        "width": "container",
        "height": {"step": 18},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": selectors.observer_weeks(weeks=weeks, **kwargs)},
        "mark": "rect",
        "encoding": {
            "x": {
                "field": "week",
                "type": "ordinal",
                "title": "Weeks ago (0 = this week)",
                "scale": {"domain": list(range(-weeks + 1, 1))},
            },
            "y": {"field": "observer", "type": "nominal", "title": None},
            "color": {
                "field": "observations",
                "type": "quantitative",
                "title": "Observations",
                "scale": {"scheme": "greens"},
            },
            "tooltip": [{"field": "observer"}, {"field": "week"}, {"field": "observations"}],
        },
    }
