"""Time as users have it: numbers, ISO dates, datetimes and period codes, to period numbers.

Numeric time is used as given (week numbers, years). Dates and datetimes are counted in periods
of ``period`` (day, week, month, quarter or year; inferred from their spacing when not given),
and so are period codes: ``2026-W07`` (ISO week), ``2026-03`` (month), ``2026-Q1`` (quarter).
A period number is then an ordinal (weeks since the ISO week of 1970-01-01, months since
January 1970, ...; years are the year), so event times are counted in periods, and results
show each period by its label (``2026-W07``). Integers that look like YYYYWW or YYYYMM codes
and cross a New Year are refused: as numbers they would jump by ~50 or ~90 at each year end.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from sustain.impact.errors import ImpactInputError, describe_offenders

PERIODS = ("day", "week", "month", "quarter", "year")
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")


@dataclass(frozen=True)
class TimeAxis:
    """How period numbers map back to what the user gave: ``period`` None for numeric time."""

    period: str | None = None

    def label(self, value: float) -> str | float:
        if self.period is None or not np.isfinite(value):
            return value
        n = int(value)
        if self.period == "year":
            return str(n)
        if self.period == "quarter":
            return f"{n // 4 + 1970}-Q{n % 4 + 1}"
        if self.period == "month":
            return f"{n // 12 + 1970}-{n % 12 + 1:02d}"
        if self.period == "week":
            monday = dt.date(1970, 1, 1) + dt.timedelta(days=7 * n - 3)
            year, week, _ = monday.isocalendar()
            return f"{year}-W{week:02d}"
        return (dt.date(1970, 1, 1) + dt.timedelta(days=n)).isoformat()


def convert_time(
    values: np.ndarray, name: str, units: np.ndarray, period: str | None
) -> tuple[np.ndarray | None, TimeAxis]:
    """Period numbers for a time column, or (None, numeric axis) if it is plain numbers."""
    if period is not None and period not in PERIODS:
        raise ImpactInputError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    days, code_period = _to_days(values, name, units)
    if days is None:
        return None, TimeAxis()
    chosen = period or code_period or _infer(days)
    return _count(days, chosen), TimeAxis(chosen)


def convert_cohort(
    values: np.ndarray, name: str, units: np.ndarray, axis: TimeAxis
) -> np.ndarray | None:
    """Cohorts given the same way as time, as period numbers (NaN = never trained); None when
    time is numeric (the cohorts are then plain numbers too)."""
    if axis.period is None:
        return None
    if values.dtype.kind in "biuf":
        bad = np.flatnonzero(np.nan_to_num(values.astype(float)) != 0)
        if len(bad):
            raise ImpactInputError(
                describe_offenders(
                    f"column {name!r} has numbers while time is given as dates or period codes: "
                    "give cohorts the same way (0 or empty = never trained)",
                    units[bad],
                    bad,
                )
            )
        return np.full(len(values), np.nan)
    if values.dtype.kind == "O":
        values = np.array(
            [None if (isinstance(v, int | float) and not v) else v for v in values], dtype=object
        )
    days, _ = _to_days(values, name, units, allow_empty=True)
    if days is None:
        return np.full(len(values), np.nan)
    out = np.full(len(values), np.nan)
    ok = ~np.isnan(days)
    out[ok] = _count(days[ok], axis.period)
    return out


def reject_year_codes(values: np.ndarray, name: str) -> None:
    """Refuse YYYYWW / YYYYMM integers that cross a New Year (they would mis-space)."""
    finite = values[np.isfinite(values)]
    if not len(finite) or not np.all(finite == np.round(finite)):
        return
    ints = np.unique(finite.astype(np.int64))
    suffix, year = ints % 100, ints // 100
    looks = (ints >= 190001) & (ints <= 210053) & (suffix >= 1) & (suffix <= 53)
    if not looks.all() or len(np.unique(year)) < 2:
        return
    kind, code = ("year-month", "2025-12") if suffix.max() <= 12 else ("year-week", "2025-W52")
    last = ints[year == year.min()].max()
    first = ints[year > year.min()].min()
    raise ImpactInputError(
        f"column {name!r} looks like {kind} codes (YYYY{'MM' if kind == 'year-month' else 'WW'}):"
        f" {last} and {first} are one period apart but {first - last} apart as numbers, so "
        f"every event time across the New Year would be wrong. Give codes like {code!r} or "
        "dates (with --period), or number the periods consecutively"
    )


def _to_days(
    values: np.ndarray, name: str, units: np.ndarray, allow_empty: bool = False
) -> tuple[np.ndarray | None, str | None]:
    """Days since 1970-01-01 for dates/datetimes/codes; (None, None) if values are numbers."""
    kind = values.dtype.kind
    if kind in "biuf":
        return None, None
    if kind == "M":
        days = values.astype("datetime64[D]")
        out = days.astype(np.int64).astype(float)
        out[np.isnat(days)] = np.nan
        _check_empty(out, name, units, allow_empty)
        return out, None
    out = np.full(len(values), np.nan)
    periods: set[str] = set()
    bad: list[int] = []
    numeric = 0
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            continue
        if isinstance(v, dt.datetime | dt.date):
            out[i] = (_as_date(v) - dt.date(1970, 1, 1)).days
            continue
        if isinstance(v, np.datetime64):
            out[i] = float(v.astype("datetime64[D]").astype(np.int64))
            continue
        text = str(v).strip()
        if not text:
            continue
        parsed = _parse(text)
        if parsed is None:
            try:
                float(text)
                numeric += 1
            except ValueError:
                bad.append(i)
            continue
        out[i], code = parsed
        if code:
            periods.add(code)
    if numeric and numeric == np.count_nonzero(
        [
            not (v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip())
            for v in values
        ]
    ):
        return None, None
    if bad or numeric:
        rows = np.asarray(bad or [i for i, v in enumerate(values) if _is_number(v)])
        raise ImpactInputError(
            describe_offenders(
                f"column {name!r} has values that are neither numbers, ISO dates nor period "
                "codes like 2026-W07, 2026-03 or 2026-Q1",
                units[rows],
                rows,
            )
        )
    _check_empty(out, name, units, allow_empty)
    return out, periods.pop() if len(periods) == 1 else None


def _is_number(v: object) -> bool:
    try:
        float(str(v))
        return True
    except ValueError:
        return False


def _parse(text: str) -> tuple[float, str | None] | None:
    if m := _WEEK.match(text):
        try:
            day = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
        return float((day - dt.date(1970, 1, 1)).days), "week"
    if m := _MONTH.match(text):
        if not 1 <= int(m[2]) <= 12:
            return None
        return float((dt.date(int(m[1]), int(m[2]), 1) - dt.date(1970, 1, 1)).days), "month"
    if m := _QUARTER.match(text):
        day = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return float((day - dt.date(1970, 1, 1)).days), "quarter"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return float((when.date() - dt.date(1970, 1, 1)).days), None


def _as_date(v: dt.date) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v


def _check_empty(days: np.ndarray, name: str, units: np.ndarray, allow_empty: bool) -> None:
    if not allow_empty and np.isnan(days).any():
        bad = np.flatnonzero(np.isnan(days))
        raise ImpactInputError(
            describe_offenders(f"column {name!r} has empty values", units[bad], bad)
        )


def _infer(days: np.ndarray) -> str:
    distinct = np.unique(days)
    if len(distinct) < 2:
        return "day"
    gaps = np.diff(distinct)
    smallest = gaps.min()
    if smallest == 1:
        return "day"
    if np.all(gaps % 7 == 0):
        return "week"
    for period, low, high in (("month", 28, 31), ("quarter", 89, 92), ("year", 365, 366)):
        if low <= smallest <= high:
            return period
    raise ImpactInputError(
        f"cannot tell the period from dates {int(smallest)} days apart: give --period "
        f"({', '.join(PERIODS)})"
    )


def _count(days: np.ndarray, period: str) -> np.ndarray:
    d = days.astype(np.int64)
    if period == "day":
        return d.astype(float)
    if period == "week":
        return ((d + 3) // 7).astype(float)  # Monday-based weeks; 1970-01-05 starts week 1
    months = d.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if period == "month":
        return months.astype(float)
    if period == "quarter":
        return (months // 3).astype(float)
    return (months // 12 + 1970).astype(float)
