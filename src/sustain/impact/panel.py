"""Validate a long KPI panel and pivot it to a unit-by-period outcome matrix.

The matrix rows are ordered by stratum (cohort, and subgroup when ``by`` is used), and
within a stratum the units observed in every period come first, so that each stratum's
complete units are one contiguous slice: the estimator then works on slices, never on
fancy-indexed copies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sustain.impact.errors import ImpactInputError, describe_offenders
from sustain.impact.timeaxis import TimeAxis, convert_cohort, convert_time, reject_year_codes

NEVER = 0.0


@dataclass(frozen=True)
class Panel:
    """A validated panel.

    ``y`` is (n_units, n_periods) float64 with NaN for unobserved cells. ``strata_*`` describe
    the strata in row order: stratum ``s`` holds rows ``start[s]:stop[s]``, of which the first
    ``n_complete[s]`` are observed in every period. ``strata_attr`` is -1 for the never-treated
    stratum and for every stratum when no ``by`` attribute is used.
    """

    y: np.ndarray
    periods: np.ndarray
    unit_ids: np.ndarray
    strata_cohort: np.ndarray
    strata_attr: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    n_complete: np.ndarray
    attr_values: tuple[str, ...]
    dropped_early: tuple[object, ...] = ()
    input_row: np.ndarray | None = None
    input_period: np.ndarray | None = None
    axis: TimeAxis = field(default_factory=TimeAxis)

    @property
    def n_units(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_periods(self) -> int:
        return int(self.y.shape[1])

    @property
    def balanced(self) -> bool:
        return bool(np.all(self.n_complete == self.stop - self.start))


def column(data: Any, name: str) -> np.ndarray:
    """Return column ``name`` of a pandas DataFrame, pyarrow Table or mapping as a numpy array."""
    try:
        if hasattr(data, "column_names") and hasattr(data, "column"):  # pyarrow.Table
            col = data.column(name)
            return np.asarray(col.to_numpy())
        values = data[name]
    except (KeyError, IndexError) as exc:
        raise ImpactInputError(f"the panel has no column {name!r}") from exc
    if hasattr(values, "to_numpy"):
        return np.asarray(values.to_numpy())
    return np.asarray(values)


def build_panel(
    data: Any | Mapping[str, Any],
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    by: str | None = None,
    anticipation: int = 0,
    period: str | None = None,
) -> Panel:
    """Validate the long panel and pivot it; raise ImpactInputError naming offenders.

    With ``anticipation`` K > 0, units trained within K periods of the first period have no
    period free of anticipation to compare with: they are left out (as did does) and listed
    in ``dropped_early``."""
    units = column(data, unit)
    if not len(units):
        raise ImpactInputError("the panel has no rows")
    raw_times = column(data, time)
    times, axis = convert_time(raw_times, time, units, period)
    if times is None:
        times = _numeric(raw_times, time, units, allow_nan=False)
    y = _numeric(column(data, outcome), outcome, units, allow_nan=True)
    _reject_non_finite(y, outcome, units)
    raw_cohorts = column(data, cohort)
    cohorts = convert_cohort(raw_cohorts, cohort, units, axis)
    if cohorts is None:
        cohorts = _numeric(raw_cohorts, cohort, units, allow_nan=True)
    cohorts = np.where(np.isnan(cohorts), NEVER, cohorts)
    _reject_negative_cohorts(cohorts, units)
    ucode, unit_ids = _factorize(units, unit)
    tcode, periods = _factorize(times, time)
    if axis.period is None:
        reject_year_codes(periods.astype(np.float64), time)
    n_units, n_periods = len(unit_ids), len(periods)
    _reject_duplicates(ucode, tcode, n_periods, unit_ids)
    _reject_cross_sections(ucode, n_units, n_periods)
    unit_cohort = _per_unit_constant(cohorts, ucode, n_units, unit_ids, "cohort")
    if n_periods < 2:
        raise ImpactInputError(
            f"the panel has a single period ({_plain(periods[0])}): nothing to compare with"
        )
    _reject_out_of_range(unit_cohort, periods, unit_ids, ucode)
    unit_attr, attr_values = _unit_attributes(data, by, ucode, n_units, unit_ids, unit_cohort)

    observed = ~np.isnan(y)
    seen = np.bincount(ucode[observed], minlength=n_units) > 0
    early = np.zeros(n_units, dtype=bool)
    if anticipation:
        early = (unit_cohort > 0) & (unit_cohort <= periods[min(anticipation, n_periods - 1)])
        seen &= ~early
        if not (unit_cohort[seen] > 0).any():
            raise ImpactInputError(
                f"with anticipation {anticipation} no trained unit has a period before "
                "anticipation to compare with"
            )
    complete = np.bincount(ucode[observed], minlength=n_units) == n_periods
    strata_key = np.where(unit_cohort > 0, unit_attr, -1)
    panel, row_of_unit = _pivot(
        y[observed],
        ucode[observed],
        tcode[observed],
        periods,
        unit_ids,
        unit_cohort,
        strata_key,
        seen,
        complete,
        attr_values,
    )
    panel = replace(panel, input_row=row_of_unit[ucode], input_period=tcode, axis=axis)
    if early.any():
        panel = replace(panel, dropped_early=tuple(_plain(u) for u in unit_ids[early]))
    return panel


def _reject_cross_sections(ucode: np.ndarray, n_units: int, n_periods: int) -> None:
    rows_per_unit = np.bincount(ucode, minlength=n_units)
    once = int(np.count_nonzero(rows_per_unit == 1))
    if n_periods > 1 and once > n_units / 2:
        raise ImpactInputError(
            f"this looks like repeated cross-sections, not a panel: {once} of {n_units} units "
            f"appear in a single period (of {n_periods}). The estimator follows the same units "
            "over time; check that the unit column identifies a rep, not a row or a sale"
        )


def _reject_non_finite(y: np.ndarray, name: str, units: np.ndarray) -> None:
    bad = np.flatnonzero(np.isinf(y))
    if len(bad):
        raise ImpactInputError(
            describe_offenders(
                f"column {name!r} has infinite values (leave a cell empty if it is unobserved)",
                units[bad],
                bad,
            )
        )


def _pivot(
    y: np.ndarray,
    ucode: np.ndarray,
    tcode: np.ndarray,
    periods: np.ndarray,
    unit_ids: np.ndarray,
    unit_cohort: np.ndarray,
    strata_key: np.ndarray,
    seen: np.ndarray,
    complete: np.ndarray,
    attr_values: tuple[str, ...],
) -> tuple[Panel, np.ndarray]:
    # Units with no observed outcome at all carry no information and are left out entirely.
    kept = np.flatnonzero(seen)
    order = kept[np.lexsort((~complete[kept], strata_key[kept], unit_cohort[kept]))]
    row_of_unit = np.full(len(unit_ids), -1, dtype=np.int64)
    row_of_unit[order] = np.arange(len(order))
    matrix = np.full((len(order), len(periods)), np.nan)
    matrix[row_of_unit[ucode], tcode] = y

    cohort_rows, key_rows, complete_rows = unit_cohort[order], strata_key[order], complete[order]
    change = np.flatnonzero((np.diff(cohort_rows) != 0) | (np.diff(key_rows) != 0)) + 1
    start = np.concatenate([[0], change]).astype(np.int64)
    stop = np.concatenate([change, [len(order)]]).astype(np.int64)
    n_complete = np.add.reduceat(complete_rows.astype(np.int64), start) if len(order) else start
    return (
        Panel(
            y=matrix,
            periods=periods.astype(np.float64),
            unit_ids=unit_ids[order],
            strata_cohort=cohort_rows[start].astype(np.float64),
            strata_attr=key_rows[start].astype(np.int64),
            start=start,
            stop=stop,
            n_complete=np.asarray(n_complete, dtype=np.int64),
            attr_values=attr_values,
        ),
        row_of_unit,
    )


def numeric(values: np.ndarray, name: str, units: np.ndarray) -> np.ndarray:
    """A numeric column as float64 (empty values NaN); non-numeric values are an error."""
    return _numeric(values, name, units, allow_nan=True)


def _numeric(values: np.ndarray, name: str, units: np.ndarray, *, allow_nan: bool) -> np.ndarray:
    if values.dtype.kind in "biuf":
        out = values.astype(np.float64, copy=False)
    else:
        out, bad = _coerce_objects(values)
        if len(bad):
            raise ImpactInputError(
                describe_offenders(f"column {name!r} has non-numeric values", units[bad], bad)
            )
    if not allow_nan and np.isnan(out).any():
        bad = np.flatnonzero(np.isnan(out))
        raise ImpactInputError(
            describe_offenders(f"column {name!r} has empty values", units[bad], bad)
        )
    return out


def _coerce_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert an object/string array to float; None and '' become NaN. Return (out, bad rows)."""
    out = np.empty(len(values), dtype=np.float64)
    bad: list[int] = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, str) and not v.strip()):
            out[i] = np.nan
            continue
        if isinstance(v, bool | np.bool_):
            bad.append(i)
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            bad.append(i)
    return out, np.asarray(bad, dtype=np.int64)


def _factorize(values: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (codes, sorted uniques). Dense integer ids take an O(n) path, not a sort."""
    if values.dtype.kind in "iu" or (values.dtype.kind == "f" and _integral(values)):
        ints = values.astype(np.int64, copy=False)
        lo, hi = (int(ints.min()), int(ints.max())) if len(ints) else (0, -1)
        if hi - lo < 4 * len(ints) + 4096:
            present = np.zeros(hi - lo + 1, dtype=bool)
            present[ints - lo] = True
            lookup = np.cumsum(present) - 1
            uniques = np.flatnonzero(present) + lo
            return lookup[ints - lo], uniques.astype(values.dtype)
    if values.dtype.kind == "O" and any(v is None for v in values):
        bad = np.flatnonzero([v is None for v in values])
        raise ImpactInputError(describe_offenders(f"column {name!r} has empty values", bad, bad))
    try:
        uniques, codes = np.unique(values, return_inverse=True)
    except TypeError as exc:
        raise ImpactInputError(f"column {name!r} mixes value types that cannot be ordered") from exc
    return codes.reshape(-1), uniques


def _integral(values: np.ndarray) -> bool:
    return (
        bool(len(values))
        and bool(np.all(np.isfinite(values)))
        and bool(np.all(values == np.round(values)))
    )


def _reject_negative_cohorts(cohorts: np.ndarray, units: np.ndarray) -> None:
    bad = np.flatnonzero(cohorts < 0)
    if len(bad):
        raise ImpactInputError(describe_offenders("negative cohort values", units[bad], bad))


def _reject_duplicates(
    ucode: np.ndarray, tcode: np.ndarray, n_periods: int, unit_ids: np.ndarray
) -> None:
    key = ucode.astype(np.int64) * n_periods + tcode
    counts = np.bincount(key, minlength=len(unit_ids) * n_periods)
    if counts.max(initial=0) > 1:
        rows = np.flatnonzero(counts[key] > 1)
        raise ImpactInputError(
            describe_offenders(
                "duplicate (unit, time) rows", unit_ids[np.unique(ucode[rows])], rows
            )
        )


def _per_unit_constant(
    values: np.ndarray, ucode: np.ndarray, n_units: int, unit_ids: np.ndarray, what: str
) -> np.ndarray:
    per_unit = np.zeros(n_units, dtype=values.dtype)
    per_unit[ucode] = values
    differs = values != per_unit[ucode]
    if differs.any():
        rows = np.flatnonzero(differs)
        raise ImpactInputError(
            describe_offenders(
                f"the {what} changes within a unit", unit_ids[np.unique(ucode[rows])], rows
            )
        )
    return per_unit


def _reject_out_of_range(
    unit_cohort: np.ndarray, periods: np.ndarray, unit_ids: np.ndarray, ucode: np.ndarray
) -> None:
    first, last = float(periods[0]), float(periods[-1])
    checks = (
        (unit_cohort > 0) & (unit_cohort < first),
        "cohort before the first period",
        (unit_cohort == first),
        "cohort in the first period (no pre-training period to compare with)",
        unit_cohort > last,
        "cohort after the last period",
    )
    for mask, label in zip(checks[::2], checks[1::2], strict=True):
        bad = np.flatnonzero(mask)
        if len(bad):
            rows = np.flatnonzero(mask[ucode])
            raise ImpactInputError(
                describe_offenders(
                    f"{label}; the panel covers {_plain(periods[0])}..{_plain(periods[-1])}",
                    unit_ids[bad],
                    rows,
                )
            )
    if not (unit_cohort > 0).any():
        raise ImpactInputError("no unit is ever trained: every cohort is 0 or empty")


def _unit_attributes(
    data: Any,
    by: str | None,
    ucode: np.ndarray,
    n_units: int,
    unit_ids: np.ndarray,
    unit_cohort: np.ndarray,
) -> tuple[np.ndarray, tuple[str, ...]]:
    if by is None:
        return np.full(n_units, -1, dtype=np.int64), ()
    raw = column(data, by)
    labels = np.array(["" if _missing(v) else str(_plain(v)) for v in raw], dtype=object)
    values, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1)
    unit_attr = _per_unit_constant(codes, ucode, n_units, unit_ids, f"{by!r} value")
    missing_code = np.flatnonzero(values == "")
    if len(missing_code):
        bad = np.flatnonzero((unit_attr == missing_code[0]) & (unit_cohort > 0))
        if len(bad):
            rows = np.flatnonzero(np.isin(ucode, bad))
            raise ImpactInputError(
                describe_offenders(f"trained units without a {by!r} value", unit_ids[bad], rows)
            )
    return unit_attr.astype(np.int64), tuple(str(v) for v in values)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _plain(value: object) -> object:
    item = getattr(value, "item", None)
    return item() if callable(item) else value
