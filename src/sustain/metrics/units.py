"""KPI numbers in words: a value or an effect in the KPI's unit and currency, and whether
a change is for the better given the KPI's direction ("lower is better" for sales cycle)."""

from __future__ import annotations

import math

from sustain.metrics.models import Direction, KpiDefinition, KpiUnit

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CHF": "CHF "}


def period_word(period_days: float | None) -> str:
    days = round(float(period_days or 7))
    if days == 7:
        return "week"
    if days == 1:
        return "day"
    if 28 <= days <= 31:
        return "month"
    if 89 <= days <= 92:
        return "quarter"
    return f"{days}-day period"


def format_value(kpi: KpiDefinition, value: float | None, *, signed: bool = False) -> str:
    """A number as the KPI's unit writes it: $2,240 · 3.1 deals · 4.2 percentage points ·
    -2.5 days. A result computed from extreme data may hold null or a non-finite number:
    it reads "not estimable", never a server error."""
    if value is None or not all_finite(value):
        return "not estimable"
    sign = (
        ("+" if value > 0 else "\u2212" if value < 0 else "")
        if signed
        else ("-" if value < 0 else "")
    )
    size = abs(value)
    if kpi.unit == KpiUnit.CURRENCY or kpi.monetary:
        code = (kpi.currency or "").upper()
        symbol = CURRENCY_SYMBOLS.get(code)
        number = f"{size:,.0f}" if size >= 99.995 else f"{size:,.2f}"
        if symbol:
            return f"{sign}{symbol}{number}"
        return f"{sign}{number} {code}".rstrip()
    if kpi.unit == KpiUnit.RATIO:
        return f"{sign}{size * 100:,.1f} percentage points" if signed else f"{size * 100:.1f}%"
    if kpi.unit == KpiUnit.DAYS:
        return f"{sign}{size:,.1f} days"
    if kpi.unit == KpiUnit.COUNT:
        return f"{sign}{size:,.1f}"
    return f"{sign}{size:,.2f}"


def is_better(kpi: KpiDefinition, change: float) -> bool:
    return change < 0 if kpi.direction == Direction.DOWN else change > 0


def effect_words(kpi: KpiDefinition, att: float, *, period_days: float | None = None) -> str:
    """'+$2,240 Revenue per rep per week since training', or for a lower-is-better KPI
    '-2.5 days Sales cycle per deal... (lower is better)'."""
    per = f"per rep per {period_word(period_days)}"
    what = kpi.name if kpi.unit != KpiUnit.COUNT else f"{kpi.name.lower()}"
    words = f"{format_value(kpi, att, signed=True)} {what} {per} since training"
    if kpi.direction == Direction.DOWN:
        words += " (lower is better)"
    return words


def all_finite(*values: float | None) -> bool:
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)


def verdict(
    kpi: KpiDefinition, att: float | None, ci_low: float | None, ci_high: float | None
) -> str:
    """Better, worse or not distinguishable from no change, by the KPI's direction (a
    result without finite numbers says so rather than guessing)."""
    if not all_finite(att, ci_low, ci_high):
        return "not estimable"
    assert att is not None and ci_low is not None and ci_high is not None
    if ci_low <= 0 <= ci_high:
        return "no clear change"
    return "better" if is_better(kpi, att) else "worse"
