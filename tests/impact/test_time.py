"""Time as users have it: dates, datetimes and period codes give the same estimates as
consecutive period numbers; YYYYWW integers and repeated cross-sections are refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sustain.impact import ImpactInputError, ImpactResult, estimate
from sustain.impact.cli import main
from tests.impact.synth import make_panel

MONDAY = dt.date(2025, 11, 24)  # weeks 1..12 straddle the New Year


def _fit(df: pd.DataFrame, **options: Any) -> ImpactResult:
    return estimate(df, unit="unit", time="week", outcome="y", cohort="cohort", **options)


def _as_weeks(df: pd.DataFrame, to_value: Callable[[dt.date], str | pd.Timestamp]) -> pd.DataFrame:
    out = df.copy()
    out["week"] = [to_value(MONDAY + dt.timedelta(weeks=int(w) - 1)) for w in df["week"]]
    out["cohort"] = [
        None if g == 0 else to_value(MONDAY + dt.timedelta(weeks=int(g) - 1)) for g in df["cohort"]
    ]
    return out


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@pytest.mark.parametrize(
    "to_value",
    [
        lambda d: d.isoformat(),  # ISO date strings
        lambda d: pd.Timestamp(d) + pd.Timedelta(hours=9),  # datetimes
        lambda d: (d + dt.timedelta(days=2)).isoformat(),  # mid-week dates
        _iso_week,  # 2026-W01 codes
    ],
)
def test_it_counts_dates_and_week_codes_in_weeks(
    to_value: Callable[[dt.date], str | pd.Timestamp],
) -> None:
    df = make_panel(n_units=300, seed=3, effect=lambda e: 1.0 + 0 * e)
    numbered = _fit(df)
    dated = _fit(_as_weeks(df, to_value), period="week" if to_value is not _iso_week else None)
    assert [e.e for e in dated.event_study] == [e.e for e in numbered.event_study]
    np.testing.assert_allclose(
        [e.att for e in dated.event_study], [e.att for e in numbered.event_study]
    )
    np.testing.assert_allclose(
        [e.se for e in dated.event_study], [e.se for e in numbered.event_study]
    )
    assert dated.period == "week"
    times = [c["time"] for c in dated.to_dict()["att_gt"]]
    assert "2026-W01" in times and "2025-W52" in times


def test_it_infers_the_period_from_the_spacing_of_dates() -> None:
    df = make_panel(n_units=100, seed=3)
    assert _fit(_as_weeks(df, lambda d: d.isoformat())).period == "week"
    months = df.copy()
    months["week"] = [f"2025-{int(w):02d}" for w in df["week"]]
    months["cohort"] = [None if g == 0 else f"2025-{int(g):02d}-01" for g in df["cohort"]]
    result = _fit(months)
    assert result.period == "month"
    assert result.to_dict()["group"][0]["group"] == "2025-04"


def test_it_refuses_yyyyww_integers_across_a_new_year_with_a_hint() -> None:
    df = make_panel(n_units=100, seed=3)
    codes = {
        w: int(_iso_week(MONDAY + dt.timedelta(weeks=w - 1)).replace("-W", ""))
        for w in range(1, 13)
    }
    df["week"] = df["week"].map(codes)
    df["cohort"] = df["cohort"].map(lambda g: codes.get(g, 0))
    with pytest.raises(ImpactInputError, match=r"year-week codes.*202552 and 202601.*'2025-W52'"):
        _fit(df)


def test_it_accepts_yyyyww_integers_within_one_year() -> None:
    df = make_panel(n_units=100, seed=3)
    df["week"] += 202600
    df["cohort"] = np.where(df["cohort"] > 0, df["cohort"] + 202600, 0)
    assert _fit(df).n_periods == 12


def test_it_says_when_it_sees_repeated_cross_sections() -> None:
    df = make_panel(n_units=100, seed=3)
    df["unit"] = np.arange(len(df))  # a new "unit" in every row
    with pytest.raises(ImpactInputError, match=r"repeated cross-sections.*1200 of 1200 units"):
        _fit(df)


def test_it_refuses_numeric_cohorts_with_dated_time() -> None:
    df = _as_weeks(make_panel(n_units=50, seed=3), lambda d: d.isoformat())
    df["cohort"] = [5 if g else 0 for g in df["cohort"]]
    with pytest.raises(ImpactInputError, match="give cohorts the same way"):
        _fit(df)


def test_it_reads_iso_dates_from_a_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dated.csv"
    _as_weeks(make_panel(n_units=100, seed=3), lambda d: d.isoformat()).to_csv(path, index=False)
    argv = [str(path), "--unit", "unit", "--time", "week", "--outcome", "y", "--cohort", "cohort"]
    assert main([*argv, "--period", "week"]) == 0
    assert '"period": "week"' in capsys.readouterr().out
