"""Vega-Lite specs of the analysis pages, from data read by `analysis.selectors`."""

from __future__ import annotations

from typing import Any

from sustain.web.charts import VEGA_LITE


def event_study_spec(*, result: dict[str, Any], kpi_name: str) -> dict[str, Any]:
    """Vega-Lite: the effect by periods since training with its confidence band, the
    training marked at e = 0 and rules at 90 and 120 days (in periods)."""
    period_days = float(result.get("meta", {}).get("period_days") or 7.0)
    unit = (
        "weeks"
        if round(period_days) == 7
        else "months"
        if 28 <= period_days <= 31
        else "days"
        if period_days == 1
        else "periods"
    )
    rows = [{**e, "group": "All trained reps"} for e in result["event_study"]]
    for value, sub in (result.get("by") or {}).items():
        rows += [
            {**e, "group": f"{result.get('by_label', 'by')}: {value}"} for e in sub["event_study"]
        ]
    marks = [{"e": 0, "label": "training"}] + [
        {"e": days / period_days, "label": f"{days} days"} for days in (90, 120)
    ]
    x = {"field": "e", "type": "quantitative", "title": f"{unit} since training"}
    color = {"field": "group", "type": "nominal", "title": None, "legend": {"orient": "bottom"}}
    return {
        "$schema": VEGA_LITE,
        "width": "container",
        "height": 280,
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "area", "opacity": 0.18},
                "encoding": {
                    "x": x,
                    "y": {"field": "ci_low", "type": "quantitative"},
                    "y2": {"field": "ci_high"},
                    "color": color,
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": x,
                    "y": {"field": "att", "type": "quantitative", "title": f"effect on {kpi_name}"},
                    "color": color,
                    "tooltip": [
                        {"field": "group"},
                        {"field": "e"},
                        {"field": "att", "format": ",.2f"},
                        {"field": "ci_low", "format": ",.2f"},
                        {"field": "ci_high", "format": ",.2f"},
                    ],
                },
            },
            {
                "data": {"values": [{"y": 0}]},
                "mark": {"type": "rule", "color": "#9ca3af"},
                "encoding": {"y": {"field": "y", "type": "quantitative"}},
            },
            {
                "data": {"values": marks},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b7280"},
                "encoding": {"x": {"field": "e", "type": "quantitative"}},
            },
            {
                "data": {"values": marks},
                "mark": {"type": "text", "align": "left", "dx": 3, "dy": -130, "color": "#6b7280"},
                "encoding": {
                    "x": {"field": "e", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
        ],
    }
