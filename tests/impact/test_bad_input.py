"""Every unusable panel gets an ImpactInputError naming the offenders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from sustain.impact import ImpactInputError, ImpactResult, estimate


def _panel() -> pd.DataFrame:
    units = {"a": 3, "b": 3, "c": 0, "d": 0, "e": 4}
    rows = [(u, t, float(t) + i, g) for i, (u, g) in enumerate(units.items()) for t in range(1, 6)]
    return pd.DataFrame(rows, columns=["rep", "week", "sales", "first"])


def _fit(df: pd.DataFrame, **options: Any) -> ImpactResult:
    return estimate(df, unit="rep", time="week", outcome="sales", cohort="first", **options)


def test_it_accepts_the_valid_panel() -> None:
    assert _fit(_panel()).n_units == 5


def test_it_rejects_duplicate_unit_time_rows() -> None:
    df = pd.concat([_panel(), _panel().iloc[[6]]], ignore_index=True)
    with pytest.raises(ImpactInputError, match=r"duplicate \(unit, time\).*'b'.*rows 6, 25"):
        _fit(df)


def test_it_rejects_a_cohort_that_changes_within_a_unit() -> None:
    df = _panel()
    df.loc[12, "first"] = 4  # unit c, otherwise never trained
    with pytest.raises(ImpactInputError, match=r"cohort changes within a unit.*'c'.*rows 12"):
        _fit(df)


def test_it_rejects_non_numeric_outcomes() -> None:
    df = _panel()
    df["sales"] = df["sales"].astype(object)
    df.loc[7, "sales"] = "n/a"
    with pytest.raises(ImpactInputError, match=r"'sales' has non-numeric values.*'b'.*rows 7"):
        _fit(df)


def test_it_rejects_control_never_without_never_trained_units() -> None:
    df = _panel()
    df = df[~df.rep.isin(["c", "d"])]
    with pytest.raises(ImpactInputError, match="no unit is never trained"):
        _fit(df)


def test_it_rejects_control_notyet_without_any_comparison_units() -> None:
    df = _panel()
    df = df[df.rep.isin(["a", "b"])]
    with pytest.raises(ImpactInputError, match="no comparison group"):
        _fit(df, control="notyet")


def test_it_rejects_a_single_period() -> None:
    with pytest.raises(ImpactInputError, match="single period"):
        _fit(_panel().query("week == 3"))


@pytest.mark.parametrize(
    ("cohort", "message"),
    [(7, "after the last period"), (1, "in the first period"), (0.5, "before the first period")],
)
def test_it_rejects_a_cohort_outside_the_time_range(cohort: float, message: str) -> None:
    df = _panel().astype({"first": float})
    df.loc[df.rep == "e", "first"] = cohort
    with pytest.raises(ImpactInputError, match=rf"{message}.*'e'.*rows 20, 21"):
        _fit(df)


def test_it_treats_missing_outcomes_as_missing_observations() -> None:
    df = _panel()
    df.loc[[0, 11], "sales"] = np.nan
    result = _fit(df)
    assert result.notes and "unbalanced" in result.notes[0]
    assert all(np.isfinite(c.att) for c in result.att_gt)


def test_it_treats_an_empty_cohort_as_never_trained() -> None:
    df = _panel()
    df["first"] = df["first"].replace(0, np.nan)
    assert _fit(df).to_dict() == _fit(_panel()).to_dict()


def test_it_names_a_missing_column() -> None:
    with pytest.raises(ImpactInputError, match="no column 'revenue'"):
        estimate(_panel(), unit="rep", time="week", outcome="revenue", cohort="first")


def test_it_rejects_an_unknown_control_option() -> None:
    with pytest.raises(ImpactInputError, match="control must be"):
        _fit(_panel(), control="everyone")


def test_it_rejects_a_by_value_that_changes_within_a_unit() -> None:
    df = _panel().assign(coached=False)
    df.loc[3, "coached"] = True
    with pytest.raises(ImpactInputError, match=r"'coached' value changes within a unit.*'a'"):
        _fit(df, by="coached")


def test_it_rejects_infinite_outcomes_naming_the_rows() -> None:
    df = _panel()
    df.loc[[7, 8], "sales"] = np.inf
    with pytest.raises(
        ImpactInputError, match=r"'sales' has infinite values.*unit\(s\) 'b' \(rows 7, 8\)"
    ):
        _fit(df)


def test_it_names_each_unit_once_and_counts_rows_in_errors() -> None:
    df = _panel()
    df["sales"] = df["sales"].astype(object)
    df.loc[:12, "sales"] = "n/a"
    with pytest.raises(
        ImpactInputError,
        match=r"unit\(s\) 'a', 'b', 'c' \(rows 0, 1, 2, 3, 4 \.\.\. 13 rows in all\)",
    ):
        _fit(df)


def test_it_notes_a_cohort_whose_base_period_is_unobserved() -> None:
    df = _panel()
    df = df[~((df.rep == "e") & (df.week == 3))]  # cohort 4's base period (week 3)
    result = _fit(df)
    assert 4.0 not in {c.group for c in result.att_gt if c.time >= c.group}
    assert any("ATT(g=4, t=4) not estimated (base 3): no trained unit" in n for n in result.notes)
