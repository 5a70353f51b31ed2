"""Vega-Lite specs of the health pages, from data read by `health.selectors`."""

from __future__ import annotations

from typing import Any

from sustain.health import selectors
from sustain.web.charts import VEGA_LITE


def fade_spec(data: dict[str, Any]) -> dict[str, Any]:
    """Vega-Lite: activity and health on 0-100, days 90 and 120 marked, the week
    follow-through fell, and the effect curve on its own axis."""
    x = {
        "field": "day",
        "type": "quantitative",
        "title": "days since the workshop",
        "scale": {"domain": [0, selectors.HORIZON_DAYS]},
    }
    marks = [{"day": 90, "label": "day 90"}, {"day": 120, "label": "day 120"}]
    if data["fell_day"] is not None:
        marks.append({"day": data["fell_day"], "label": "follow-through fell"})
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": data["points"]},
            "mark": {"type": "line", "point": {"size": 18}},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": "% of peak week / health",
                    "scale": {"domain": [0, 100]},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "legend": {"orient": "bottom"},
                },
                "tooltip": [{"field": "series"}, {"field": "day"}, {"field": "value"}],
            },
        },
        {
            "data": {"values": marks},
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b7280"},
            "encoding": {"x": x},
        },
        {
            "data": {"values": marks},
            "mark": {"type": "text", "align": "left", "dx": 3, "y": 8, "color": "#6b7280"},
            "encoding": {"x": x, "text": {"field": "label"}},
        },
    ]
    if data["effect"]:
        layers.append(
            {
                "data": {"values": data["effect"]},
                "mark": {"type": "line", "color": "#111827", "strokeWidth": 2.5},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "att",
                        "type": "quantitative",
                        "title": f"effect on {data['kpi']}",
                        "axis": {"orient": "right"},
                    },
                    "tooltip": [{"field": "day"}, {"field": "att", "format": ",.2f"}],
                },
            }
        )
    return {
        "$schema": VEGA_LITE,
        "width": "container",
        "height": 300,
        "layer": layers,
        "resolve": {"scale": {"y": "independent"}},
    }
