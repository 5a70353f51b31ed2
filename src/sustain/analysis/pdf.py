"""The leadership report as a PDF, written with fpdf2 (pure Python: no pango or browser
on the server). Charts are the report's own SVG, embedded as vector drawings."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from django.utils import timezone
from fpdf import FPDF

from sustain.analysis.report import Report

logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatter
logger = logging.getLogger(__name__)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# Core PDF fonts cover Latin-1 only: without DejaVu, other characters are spelled out.
LATIN1 = str.maketrans({"\u2212": "-", "\u2014": "-", "\u2013": "-", "€": "EUR ", "₹": "INR "})


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.title_text = title
        self.set_auto_page_break(auto=True, margin=15)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("body", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "body" if self.unicode else "helvetica"

    def text_of(self, text: str) -> str:
        return (
            text
            if self.unicode
            else text.translate(LATIN1).encode("latin-1", "replace").decode("latin-1")
        )

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 8, self.text_of(f"{self.title_text} · page {self.page_no()}"), align="C")

    def h1(self, text: str) -> None:
        self.set_font(self.family, "B", 16)
        self.multi_cell(0, 8, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def h2(self, text: str) -> None:
        self.ln(3)
        self.set_font(self.family, "B", 12)
        self.multi_cell(0, 7, self.text_of(text), new_x="LMARGIN", new_y="NEXT")

    def para(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, 5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")


def report_pdf(report: Report) -> bytes:
    program, lead = report.program, report.lead
    pdf = _Pdf(f"Leadership report: {program.name}")
    pdf.add_page()
    pdf.h1(f"Leadership report: {program.name}")
    pdf.para(
        f"{lead.groups.n_trained} trained reps against {lead.groups.n_comparison} "
        "comparison reps (not trained in this program)."
    )

    pdf.h2("Did it work?")
    if not lead.goals:
        pdf.para(
            f"The effect on {', '.join(lead.withheld)} is withheld: too few reps."
            if lead.withheld
            else "No impact analysis yet."
        )
    for g in lead.goals:
        pdf.para(f"{g.words} ({g.verdict})", bold=True)
        pdf.para(
            f"95% CI {g.ci}; {g.used_trained} trained and {g.used_comparison} comparison reps "
            f"with {g.kpi.name} values" + (f" ({'; '.join(g.left_out)})" if g.left_out else "")
        )
        pdf.para(
            "All trained reps: "
            + ", ".join(f"day {f.days} {f.state}" for f in g.fades)
            + (f"; faded for good from day {g.faded_at_days:.0f}" if g.faded_at_days else "")
        )
        for s in g.splits:
            pdf.para(
                f"{s.label} ({s.words}): "
                + ", ".join(f"day {f.days} {f.state}" for f in s.fades)
                + (f"; faded for good from day {s.faded_at_days:.0f}" if s.faded_at_days else "")
            )
        svg = g.chart
        if svg:
            try:
                pdf.image(io.BytesIO(svg.encode()), w=pdf.epw)
            except Exception:  # a chart the SVG reader cannot draw leaves the numbers
                logger.exception("Leadership PDF: the chart of %s could not be drawn", g.kpi.name)
                pdf.para("(chart not available in the PDF; see the report page)")
        if g.roi:
            pdf.para(
                f"ROI {g.roi['roi_percent']}% (95% CI {g.roi['ci_percent'][0]}% to "
                f"{g.roi['ci_percent'][1]}%): benefit {g.roi['benefit']} against a cost of "
                f"{g.roi['cost']}.",
                bold=True,
            )
        pdf.ln(2)

    if report.readiness is not None:
        pdf.h2(f"Readiness: {report.readiness.n_ok} of {len(report.readiness.items)} checks pass")
        for item in report.readiness.items:
            pdf.para(f"[{'ok' if item.ok else 'to do'}] {item.label}: {item.detail}")

    pdf.h2("Follow-through and Kirkpatrick levels 1-4")
    health = report.health
    if health is None:
        pdf.para("Follow-through health: not computed yet.")
    else:
        pdf.para(f"Follow-through health: {health['score']}/100 on {health['day']}.", bold=True)
        for signal in health["weak_signals"]:
            pdf.para(f"- {signal['detail']}")
        if health["weakest_teams"]:
            teams = ", ".join(f"{t.name} {t.score}" for t in health["weakest_teams"])
            pdf.para(f"Weakest teams: {teams}.")
    for level in report.levels:
        items = "; ".join(f"{i['label']}: {i['value']}" for i in level["items"])
        empty = "being computed" if level["pending"] else "not measured yet"
        pdf.para(f"Level {level['level']} · {level['name']}: {items or empty}")
    if report.kirkpatrick_as_of is not None:
        pdf.para(f"Levels 1-3 as of {timezone.localtime(report.kirkpatrick_as_of):%Y-%m-%d %H:%M}.")

    pdf.h2("Context: what training cannot fix")
    rated = [n for n in report.needs if n.rating]
    for n in rated:
        notes = f" ({n.notes})" if report.sees_needs_notes and n.notes else ""
        pdf.para(f"{n.label}: {n.rating}{notes}")
    if not rated:
        pdf.para("Needs assessment not recorded yet.")

    pdf.h2("What to do next")
    for step in lead.next_steps or ["Nothing pressing."]:
        pdf.para(f"- {step}")
    return bytes(pdf.output())
