"""Vega-Lite specs of the refreshers pages, from data read by `refreshers.selectors`."""

from __future__ import annotations

from typing import Any

from sustain.orgs.models import Person
from sustain.programs.models import Program
from sustain.refreshers import selectors
from sustain.web.charts import VEGA_LITE


def retention_spec(
    *,
    program: Program,
    by: str,
    viewer: Person | None = None,
    teams: list[int] | None = None,
    stored: selectors.Stored | None = None,
) -> dict[str, Any]:
    """A Vega-Lite line chart of weekly retention (of the given `teams` only, if given)."""
    label = "Concept" if by == "concept" else "Team"
    return {
        "$schema": VEGA_LITE,
        "width": "container",
        "height": 260,
        "data": {
            "values": selectors.retention(
                program=program, by=by, viewer=viewer, teams=teams, stored=stored
            )
        },
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "week", "type": "temporal", "title": "Week"},
            "y": {
                "field": "retention",
                "type": "quantitative",
                "title": "Answered correctly",
                "axis": {"format": "%"},
                "scale": {"domain": [0, 1]},
            },
            "color": {"field": "group", "type": "nominal", "title": label},
            "tooltip": [
                {"field": "group", "title": label},
                {"field": "week", "type": "temporal"},
                {"field": "retention", "format": ".0%"},
                {"field": "answers"},
            ],
        },
    }
