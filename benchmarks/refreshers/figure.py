"""Draws figures/sweep.svg from results/*.json: sweep time per backend against the 60 s
budget, with the statements per batch. Plain SVG, no plotting dependency."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUDGET = 60.0


def main() -> None:
    results = [json.loads(p.read_text()) for p in sorted((HERE / "results").glob("*.json"))]
    width, bar_h, left, top = 640, 34, 120, 50
    height = top + len(results) * (bar_h + 22) + 50
    scale = (width - left - 40) / BUDGET
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="13">',
        '<text x="10" y="22" font-size="15" font-weight="bold">Daily refresher digest sweep: '
        "wall time</text>",
    ]
    for i, r in enumerate(results):
        y = top + i * (bar_h + 22)
        w = max(1.0, r["sweep_seconds"] * scale)
        parts += [
            f'<text x="10" y="{y + bar_h / 2 + 4}">{r["backend"]}</text>',
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#2563eb"/>',
            f'<text x="{left + w + 6:.1f}" y="{y + bar_h / 2 + 4}">{r["sweep_seconds"]} s · '
            f"{r['people']:,} people, {r['cards']:,} cards · "
            f"{r['queries_per_batch']} statements/batch</text>",
        ]
    x = left + BUDGET * scale
    parts += [
        f'<line x1="{x:.1f}" y1="{top - 10}" x2="{x:.1f}" y2="{height - 30}" stroke="#dc2626" '
        'stroke-dasharray="4 3"/>',
        f'<text x="{x - 70:.1f}" y="{height - 14}" fill="#dc2626">60 s budget</text>',
        "</svg>",
    ]
    (HERE / "figures").mkdir(exist_ok=True)
    (HERE / "figures" / "sweep.svg").write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
