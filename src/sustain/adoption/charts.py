"""Vega-Lite specs of the adoption pages, from data read by `adoption.selectors`."""

from __future__ import annotations

from typing import Any

from sustain.web.charts import VEGA_LITE


def adoption_spec(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE,
        "width": "container",
        "height": 220,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "week", "type": "quantitative", "title": "Weeks since training"},
            "y": {
                "field": "share",
                "type": "quantitative",
                "title": "Share of calls using it",
                "scale": {"domain": [0, 1]},
                "axis": {"format": "%"},
            },
            "color": {
                "field": "concept",
                "type": "nominal",
                "title": "Concept",
                "sort": {"field": "position", "op": "min"},
            },
            "tooltip": [
                {"field": "concept"},
                {"field": "week"},
                {"field": "share", "format": ".0%"},
                {"field": "calls"},
            ],
        },
    }
