"""``estimate``: the engine's one entry point, from a long panel to an ImpactResult."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from sustain.impact import engine, general, honest
from sustain.impact.engine import Cells, Functional
from sustain.impact.errors import ImpactInputError, describe_offenders
from sustain.impact.panel import Panel, build_panel, column
from sustain.impact.panel import numeric as panel_numeric
from sustain.impact.results import (
    CalendarEffect,
    CellEffect,
    Decay,
    DecayPoint,
    Difference,
    Estimate,
    EventEffect,
    GroupEffect,
    ImpactResult,
    PreTrendTest,
    SubgroupResult,
)

CONTROLS = {
    "never": "never",
    "nevertreated": "never",
    "notyet": "notyet",
    "notyettreated": "notyet",
}
DECAY_DAYS = (90.0, 120.0)


def estimate(
    data: Any,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    control: str = "never",
    by: str | None = None,
    by_reference: str | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    period_days: float | None = None,
    min_e: float | None = None,
    max_e: float | None = None,
    alpha: float = 0.05,
    anticipation: int = 0,
    base_period: str = "varying",
    balance_e: float | None = None,
    bootstrap_weights: str = "rademacher",
    covariates: list[str] | tuple[str, ...] | None = None,
    method: str | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    period: str | None = None,
    sensitivity: str | None = None,
    sensitivity_e: float | str | None = None,
    mbar: list[float] | tuple[float, ...] | str | None = None,
    sensitivity_window: tuple[float | None, float | None] | None = None,
) -> ImpactResult:
    """Estimate the training's effect on ``outcome`` with Callaway & Sant'Anna (2021).

    ``data`` is a long panel (pandas DataFrame, pyarrow Table or mapping of columns), one row
    per (unit, time). ``cohort`` holds the first period trained, 0 or empty for never trained;
    it must be constant within a unit and fall after the first and no later than the last
    period. ``time`` is numeric (e.g. week numbers); event times are in the same units and
    ``period_days`` is the length of one such unit in days. Rows with an empty outcome are
    missing observations. ``control`` is "never" (never-trained units) or "notyet" (also units
    not trained yet). With ``by``, the trained units are split by that unit-level column and
    each subgroup is compared with the whole comparison group; differences are each value
    minus ``by_reference`` (default: the first value in sorted order). ``bootstrap`` > 0 draws
    that many multiplier-bootstrap replications (seeded by ``seed``; ``bootstrap_weights``
    "rademacher", did's default, or "mammen") for standard errors and uniform bands over the
    event study, the cohorts and the calendar periods. ``anticipation`` K: units may react K
    periods before training, so post-training periods are compared with the last period
    before g - K. ``base_period`` "varying" (did's default) or "universal" (every period vs
    that one base; needed for the sensitivity analysis). ``balance_e`` E: the event study
    uses only cohorts observed for E periods after training, and event times up to E.
    ``covariates``: unit columns for conditional parallel trends, taken at each cell's base
    period, with ``method`` "dr" (doubly robust, the default with covariates), "ipw" or "reg"
    (Sant'Anna & Zhao 2020, as did). ``weights``: a unit-level sampling-weight column.
    ``cluster``: a unit-level column (team, region) whose units share shocks: influence
    functions are summed by cluster and the bootstrap draws one multiplier per cluster.
    ``sensitivity`` "rm" (relative magnitudes) or "smooth" (smoothness): HonestDiD's robust
    intervals for the event time ``sensitivity_e`` (default 0) or "avg" (the average
    post-training effect) at each bound in ``mbar`` (Mbar for rm, default 0, 0.5, 1, 1.5, 2;
    M for smooth, default five values up to the pre-training slope changes), and the breakdown
    value; needs ``base_period="universal"``. ``sensitivity_window`` (lowest, highest event
    time) limits the event times it uses (the event study itself keeps ``min_e``/``max_e``).
    See ``sustain.impact.honest``; its failures raise ``SensitivityError``.
    Raises ImpactInputError for unusable input.
    """
    mode = _check_options(control, bootstrap, alpha, period_days)
    _check_design(anticipation, base_period, balance_e, bootstrap_weights)
    wanted = None
    if sensitivity is not None:
        wanted = honest.check_request(sensitivity, sensitivity_e, mbar)
        if base_period != "universal":
            raise ImpactInputError(
                "sensitivity analysis (HonestDiD) needs base_period='universal' (--base-period "
                "universal): its bounds measure every event-study effect from the one reference "
                "period before training"
            )
    panel = build_panel(
        data,
        unit=unit,
        time=time,
        outcome=outcome,
        cohort=cohort,
        by=by,
        anticipation=anticipation,
        period=period,
    )
    _check_comparison_group(panel, mode)
    treated_periods = _count_treated_periods(panel)
    codes = _subgroup_codes(panel, by)
    method = _check_method(method)
    units = _unit_data(data, panel, covariates, weights, cluster)
    influence: Any
    if units is None:
        moments = engine.compute_moments(panel)
        parts = [
            engine.estimate_cells(panel, moments, mode, code, anticipation, base_period)
            for code in [None, *codes]
        ]
        cells = _concat([p[0] for p in parts])
        influence = engine.FastInfluence(panel, cells, moments)
    else:
        parts3 = [
            general.estimate_cells(panel, units, mode, code, anticipation, base_period, method)
            for code in [None, *codes]
        ]
        parts = [(p[0], p[1]) for p in parts3]
        cells = _concat([p[0] for p in parts])
        psi = parts3[0][2]
        if len(parts3) > 1:
            psi = general.Blocks.of(np.hstack([p[2].dense() for p in parts3]))
        influence = general.DenseInfluence(psi, units)
    dropped = parts[0][1]
    pooled = cells.attr == -1
    if not (pooled & (cells.time >= cells.group)).any():
        raise ImpactInputError(
            "no comparison group for any post-training period: with control='notyet' there must "
            "be never-trained units or units trained later than each cohort"
        )
    reference = _reference(panel, codes, by_reference)
    aggs = _aggregations(
        panel, cells, panel.n_units, codes, reference, (min_e, max_e), period_days, balance_e
    )
    inference = _infer(cells, influence, aggs, bootstrap, seed, alpha, bootstrap_weights)
    return ImpactResult(
        method="callaway-santanna",
        control=mode,
        outcome=outcome,
        n_units=panel.n_units,
        n_periods=panel.n_periods,
        alpha=alpha,
        att_gt=_cell_effects(panel, cells, pooled),
        overall=inference.estimate(aggs.overall)[0],
        event_study=inference.events(aggs.events, aggs.event_times),
        band="uniform" if bootstrap else "pointwise",
        critical_value=inference.critical(aggs.events),
        by_group=tuple(
            GroupEffect(g, *e.__dict__.values())
            for g, e in zip(
                aggs.groups_values,
                inference.estimate(aggs.groups, inference.critical(aggs.groups)),
                strict=True,
            )
        ),
        by_calendar=tuple(
            CalendarEffect(t, *e.__dict__.values())
            for t, e in zip(
                aggs.calendar_values,
                inference.estimate(aggs.calendar, inference.critical(aggs.calendar)),
                strict=True,
            )
        ),
        dynamic_overall=_first(inference, aggs.dynamic_overall),
        group_overall=_first(inference, aggs.group_overall),
        calendar_overall=_first(inference, aggs.calendar_overall),
        pretrend=_pretrend(panel, cells, influence, pooled),
        pretrend_wald=_pretrend_wald(panel, cells, influence, pooled),
        treated_periods=treated_periods,
        bootstrap=bootstrap,
        seed=seed,
        by=by,
        subgroups=_subgroups(panel, aggs, inference),
        differences=_differences(panel, aggs, inference),
        decay=_decay(aggs, inference, period_days),
        notes=_notes(panel, cells, dropped),
        anticipation=anticipation,
        base_period=base_period,
        bootstrap_weights=bootstrap_weights,
        balance_e=balance_e,
        covariates=tuple(covariates or ()),
        estimation=method,
        weights=weights,
        cluster=cluster,
        n_clusters=influence.n_clusters if cluster else None,
        period=panel.axis.period,
        labels=_labels(panel, cells),
        sensitivity=None
        if wanted is None
        else _sensitivity(aggs, cells, influence, anticipation, alpha, wanted, sensitivity_window),
    )


def _sensitivity(
    aggs: _Aggregations,
    cells: Cells,
    influence: Any,
    anticipation: int,
    alpha: float,
    wanted: tuple[str, float | str, tuple[float, ...]],
    window: tuple[float | None, float | None] | None = None,
) -> honest.Sensitivity:
    """HonestDiD on the event study, with its analytic (clustered when asked) covariance."""
    assert aggs.events_functional is not None and aggs.event_times is not None
    reference = -1.0 - anticipation
    times = aggs.event_times
    keep = ~np.isclose(times, reference)
    if window is not None:
        lo, hi = (-np.inf if w is None else w for w in window)
        keep &= (times >= lo) & (times <= hi)
    functional = aggs.events_functional.combine(np.eye(len(times))[:, keep])
    betahat = cells.att @ functional.weights
    sigma = influence.covariance(functional)
    if influence.n_clusters <= len(betahat):
        raise honest.SensitivityError(
            f"sensitivity needs more clusters ({influence.n_clusters}) than event-study effects "
            f"({len(betahat)}) to estimate their covariance: narrow the window with min_e/max_e"
        )
    kind, e, bounds = wanted
    return honest.sensitivity(
        betahat,
        sigma,
        times[keep],
        reference=reference,
        kind=kind,
        e=e,
        bounds=bounds,
        alpha=alpha,
    )


def _labels(panel: Panel, cells: Cells) -> dict[float, str]:
    """Period number -> the user's label, when time was given as dates or period codes."""
    if panel.axis.period is None:
        return {}
    values = np.unique(np.concatenate([panel.periods, cells.group]))
    return {float(v): str(panel.axis.label(float(v))) for v in values}


def _check_method(method: str | None) -> str:
    """dr unless told otherwise (did's default, and the default with covariates)."""
    if method is None:
        return "dr"
    if method not in general.METHODS:
        raise ImpactInputError(f"method must be 'dr', 'ipw' or 'reg', got {method!r}")
    return method


def _unit_data(
    data: Any,
    panel: Panel,
    covariates: list[str] | tuple[str, ...] | None,
    weights: str | None,
    cluster: str | None,
) -> general.UnitData | None:
    """Per-row weights, clusters and covariates for the general path; None for the fast one."""
    if not covariates and weights is None and cluster is None:
        return None
    assert panel.input_row is not None and panel.input_period is not None
    rows = panel.input_row
    used = rows >= 0
    stratum = np.repeat(np.arange(len(panel.start)), panel.stop - panel.start)
    weight = np.ones(panel.n_units)
    if weights is not None:
        values = _unit_column(data, weights, panel, numeric=True)
        if not np.all(np.isfinite(values)) or np.any(values <= 0):
            bad = np.flatnonzero(~(np.isfinite(values) & (values > 0)))
            raise ImpactInputError(
                describe_offenders(
                    f"sampling weights {weights!r} must be positive numbers",
                    panel.unit_ids[bad],
                )
            )
        weight = values / values.mean()
    codes = None
    if cluster is not None:
        labels = _unit_column(data, cluster, panel, numeric=False)
        codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
        if codes.max(initial=0) < 1:
            raise ImpactInputError(
                f"cluster {cluster!r} has a single value: clustering needs at least 2 clusters"
            )
    x = None
    if covariates:
        x = np.full((panel.n_units, panel.n_periods, len(covariates)), np.nan)
        for j, name in enumerate(covariates):
            values = panel_numeric(column(data, name), name, column(data, name))
            bad = np.flatnonzero(used & ~np.isfinite(values))
            if len(bad):
                raise ImpactInputError(
                    describe_offenders(
                        f"covariate {name!r} is empty or not finite",
                        panel.unit_ids[rows[bad]],
                        bad,
                    )
                )
            x[rows[used], panel.input_period[used], j] = values[used]
    return general.UnitData(weight=weight, cluster=codes, stratum=stratum, covariates=x)


def _unit_column(data: Any, name: str, panel: Panel, *, numeric: bool) -> np.ndarray:
    """A column that must be constant within a unit, as one value per panel row."""
    assert panel.input_row is not None
    raw = column(data, name)
    rows = panel.input_row
    used = rows >= 0
    if numeric:
        values = panel_numeric(raw, name, raw)
    else:
        if any(v is None or (isinstance(v, float) and np.isnan(v)) for v in raw[used]):
            bad = np.flatnonzero(used & np.array([v is None or v != v for v in raw]))
            raise ImpactInputError(
                describe_offenders(
                    f"column {name!r} has empty values", panel.unit_ids[rows[bad]], bad
                )
            )
        values = np.asarray([str(v) for v in raw], dtype=object)
    out = np.empty(panel.n_units, dtype=values.dtype)
    out[rows[used]] = values[used]
    differs = np.flatnonzero(used & (values != out[np.where(used, rows, 0)]))
    if len(differs):
        raise ImpactInputError(
            describe_offenders(
                f"{name!r} changes within a unit (it must be one value per unit)",
                panel.unit_ids[rows[differs]],
                differs,
            )
        )
    return out


def _first(inference: _Inference, span: slice) -> Estimate | None:
    return inference.estimate(span)[0] if span.stop > span.start else None


BASE_PERIODS = ("varying", "universal")


def _check_design(
    anticipation: int, base_period: str, balance_e: float | None, bootstrap_weights: str
) -> None:
    if int(anticipation) != anticipation or anticipation < 0:
        raise ImpactInputError(f"anticipation must be a whole number >= 0, got {anticipation!r}")
    if base_period not in BASE_PERIODS:
        raise ImpactInputError(f"base_period must be 'varying' or 'universal', got {base_period!r}")
    if balance_e is not None and not (np.isfinite(balance_e) and balance_e >= 0):
        raise ImpactInputError(f"balance_e must be an event time >= 0, got {balance_e!r}")
    if bootstrap_weights not in engine.BOOTSTRAP_WEIGHTS:
        raise ImpactInputError(
            f"bootstrap_weights must be 'rademacher' or 'mammen', got {bootstrap_weights!r}"
        )


def _check_options(control: str, bootstrap: int, alpha: float, period_days: float | None) -> str:
    if control not in CONTROLS:
        raise ImpactInputError(f"control must be 'never' or 'notyet', got {control!r}")
    if int(bootstrap) != bootstrap or bootstrap < 0:
        raise ImpactInputError(f"bootstrap must be a whole number >= 0, got {bootstrap!r}")
    if not 0 < alpha < 1:
        raise ImpactInputError(f"alpha must be between 0 and 1, got {alpha!r}")
    if period_days is not None and not period_days > 0:
        raise ImpactInputError(f"period_days must be positive, got {period_days!r}")
    return CONTROLS[control]


def _check_comparison_group(panel: Panel, mode: str) -> None:
    never = panel.strata_cohort == 0
    if mode == "never" and not never.any():
        raise ImpactInputError(
            "no comparison group: no unit is never trained (cohort 0 or empty); "
            "use control='notyet' to compare with units trained later"
        )
    if mode == "notyet" and not never.any() and len(np.unique(panel.strata_cohort)) < 2:
        raise ImpactInputError(
            "no comparison group: every unit is trained in the same period and none is never "
            "trained"
        )


def _count_treated_periods(panel: Panel) -> int:
    """Observed (unit, period) pairs at or after the unit's first training period."""
    total = 0
    for s, g in enumerate(panel.strata_cohort):
        if g > 0:
            block = panel.y[panel.start[s] : panel.stop[s], panel.periods >= g]
            total += int(np.count_nonzero(~np.isnan(block)))
    return total


def _subgroup_codes(panel: Panel, by: str | None) -> list[int]:
    if by is None:
        return []
    return sorted({int(a) for a in panel.strata_attr[panel.strata_cohort > 0]})


def _reference(panel: Panel, codes: list[int], by_reference: str | None) -> int | None:
    if not codes:
        return None
    if by_reference is None:
        return codes[0]
    names = {panel.attr_values[c]: c for c in codes}
    if by_reference not in names:
        raise ImpactInputError(
            f"by_reference {by_reference!r} is not a value of the trained units: {sorted(names)}"
        )
    return names[by_reference]


def _concat(parts: list[Cells]) -> Cells:
    return Cells(
        **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Cells)}
    )


@dataclass
class _Aggregations:
    """Every aggregation to compute, stacked as one Functional; slices index into it."""

    parts: list[Functional]
    width: int = 0
    overall: slice = slice(0)
    events: slice = slice(0)
    event_times: np.ndarray | None = None
    events_functional: Functional | None = None
    groups: slice = slice(0)
    groups_values: tuple[float, ...] = ()
    calendar: slice = slice(0)
    calendar_values: tuple[float, ...] = ()
    dynamic_overall: slice = slice(0)
    group_overall: slice = slice(0)
    calendar_overall: slice = slice(0)
    subgroups: tuple[tuple[str, int, slice, slice, np.ndarray], ...] = ()
    differences: tuple[tuple[str, str, slice, slice, np.ndarray], ...] = ()
    decay: tuple[tuple[float, float | None, slice | None], ...] = ()

    def add(self, functional: Functional) -> slice:
        self.parts.append(functional)
        span = slice(self.width, self.width + functional.weights.shape[1])
        self.width = span.stop
        return span

    def stacked(self) -> Functional:
        return Functional.stack(self.parts)


def _aggregations(
    panel: Panel,
    cells: Cells,
    n_total: float,
    codes: list[int],
    reference: int | None,
    window: tuple[float | None, float | None],
    period_days: float | None,
    balance_e: float | None = None,
) -> _Aggregations:
    aggs = _Aggregations(parts=[])
    post = cells.time >= cells.group
    pooled = cells.attr == -1
    aggs.overall = aggs.add(engine.share_weighted(cells, (pooled & post)[:, None], n_total))
    events_f, times = _event_study(
        cells, pooled, n_total, window, _balance(panel, cells, balance_e)
    )
    aggs.events, aggs.event_times = aggs.add(events_f), times
    aggs.events_functional = events_f
    # did's dynamic summary: the plain average of the post-training event-study effects.
    if (times >= 0).any():
        average = ((times >= 0) / (times >= 0).sum()).astype(float)[:, None]
        aggs.dynamic_overall = aggs.add(events_f.combine(average))
    groups = np.unique(cells.group[pooled & post])
    keep = (pooled & post)[:, None] & (cells.group[:, None] == groups[None, :])
    aggs.groups = aggs.add(engine.equal_weighted(cells, keep, len(panel.start)))
    aggs.groups_values = tuple(float(g) for g in groups)
    # did's group summary: cohort effects weighted by cohort size (shares estimated, so "wif").
    per_group = keep.sum(axis=0)
    within = (keep / np.where(per_group > 0, per_group, 1)).sum(axis=1)
    aggs.group_overall = aggs.add(engine.share_weighted(cells, within[:, None], n_total))
    dates = np.unique(cells.time[pooled & post])
    keep = (pooled & post)[:, None] & (cells.time[:, None] == dates[None, :])
    calendar_f = engine.share_weighted(cells, keep, n_total)
    aggs.calendar = aggs.add(calendar_f)
    aggs.calendar_values = tuple(float(t) for t in dates)
    # did's calendar summary: the plain average of the calendar-period effects.
    if len(dates):
        aggs.calendar_overall = aggs.add(
            calendar_f.combine(np.full((len(dates), 1), 1 / len(dates)))
        )
    _plan_subgroups(aggs, panel, cells, n_total, codes, reference, window)
    if period_days is not None:
        aggs.decay = tuple(
            _plan_decay(aggs, events_f, times, days / period_days, days) for days in DECAY_DAYS
        )
    return aggs


def _balance(
    panel: Panel, cells: Cells, balance_e: float | None
) -> tuple[np.ndarray, float, float] | None:
    """(cells kept, lowest and highest event time) for did's ``balance_e``: only cohorts
    observed at least ``balance_e`` periods after training, event times up to it."""
    if balance_e is None:
        return None
    last, first = float(panel.periods[-1]), float(panel.periods[0])
    return (last - cells.group >= balance_e), balance_e - (last - first), balance_e


def _event_study(
    cells: Cells,
    selected: np.ndarray,
    n_total: float,
    window: tuple[float | None, float | None],
    balance: tuple[np.ndarray, float, float] | None = None,
) -> tuple[Functional, np.ndarray]:
    event = cells.event
    if balance is not None:
        selected = selected & balance[0]
    times = np.unique(event[selected])
    if balance is not None:
        times = times[(times >= balance[1]) & (times <= balance[2])]
    lo, hi = window
    times = times[
        (times >= (-np.inf if lo is None else lo)) & (times <= (np.inf if hi is None else hi))
    ]
    keep = selected[:, None] & (event[:, None] == times[None, :])
    return engine.share_weighted(cells, keep, n_total), times


def _plan_subgroups(
    aggs: _Aggregations,
    panel: Panel,
    cells: Cells,
    n_total: float,
    codes: list[int],
    reference: int | None,
    window: tuple[float | None, float | None],
) -> None:
    post = cells.time >= cells.group
    made: dict[int, tuple[Functional, Functional, np.ndarray]] = {}
    subgroups = []
    for code in codes:
        mine = cells.attr == code
        overall = engine.share_weighted(cells, (mine & post)[:, None], n_total)
        events, times = _event_study(cells, mine, n_total, window)
        made[code] = (overall, events, times)
        n_trained = int(
            sum(
                panel.stop[s] - panel.start[s]
                for s in range(len(panel.start))
                if panel.strata_attr[s] == code and panel.strata_cohort[s] > 0
            )
        )
        subgroups.append(
            (panel.attr_values[code], n_trained, aggs.add(overall), aggs.add(events), times)
        )
    aggs.subgroups = tuple(subgroups)
    differences = []
    for code in codes:
        if code == reference or reference is None:
            continue
        (o_a, e_a, t_a), (o_b, e_b, t_b) = made[code], made[reference]
        common = np.intersect1d(t_a, t_b)
        pick_a = (t_a[:, None] == common[None, :]).astype(float)
        pick_b = (t_b[:, None] == common[None, :]).astype(float)
        gap = Functional(o_a.weights - o_b.weights, o_a.extra - o_b.extra)
        gap_events = Functional(
            e_a.combine(pick_a).weights - e_b.combine(pick_b).weights,
            e_a.combine(pick_a).extra - e_b.combine(pick_b).extra,
        )
        differences.append(
            (
                panel.attr_values[code],
                panel.attr_values[reference],
                aggs.add(gap),
                aggs.add(gap_events),
                common,
            )
        )
    aggs.differences = tuple(differences)


def _plan_decay(
    aggs: _Aggregations, events: Functional, times: np.ndarray, threshold: float, days: float
) -> tuple[float, float | None, slice | None]:
    later = times[(times >= 0) & (times >= threshold - 1e-9)]
    if not len(later):
        return days, None, None
    average = ((times >= later[0]) / len(later)).astype(float)[:, None]
    return days, float(later[0]), aggs.add(events.combine(average))


@dataclass(frozen=True)
class _Inference:
    values: np.ndarray
    se: np.ndarray
    z: float
    crit: dict[int, float]

    def estimate(self, span: slice, crit: float | None = None) -> list[Estimate]:
        c = self.z if crit is None else crit
        return [
            Estimate(float(v), float(s), float(v - c * s), float(v + c * s))
            for v, s in zip(self.values[span], self.se[span], strict=True)
        ]

    def critical(self, span: slice) -> float:
        return self.crit.get(span.start, self.z)

    def events(self, span: slice, times: np.ndarray | None) -> tuple[EventEffect, ...]:
        assert times is not None
        rows = self.estimate(span, self.critical(span))
        return tuple(
            EventEffect(float(e), *r.__dict__.values()) for e, r in zip(times, rows, strict=True)
        )


def _infer(
    cells: Cells,
    influence: Any,
    aggs: _Aggregations,
    bootstrap: int,
    seed: int | None,
    alpha: float,
    bootstrap_weights: str = "rademacher",
) -> _Inference:
    from scipy.special import ndtri

    functional = aggs.stacked()
    values = cells.att @ functional.weights
    z = float(ndtri(1 - alpha / 2))
    # Aggregations of universal-base reference cells only are 0 by construction: no SE.
    fixed = ~((functional.weights != 0) & ~cells.reference[:, None]).any(axis=0)
    if not bootstrap:
        var = influence.variance(functional)
        return _Inference(values, np.where(fixed, np.nan, np.sqrt(var)), z, {})
    draws = influence.draws(functional, bootstrap, seed, bootstrap_weights)
    se = np.where(fixed, np.nan, engine.bootstrap_scale(draws))
    bands = [aggs.events, aggs.groups, aggs.calendar]
    bands += [s[3] for s in aggs.subgroups] + [d[3] for d in aggs.differences]
    crit = {
        span.start: engine.uniform_critical_value(draws[:, span], se[span], alpha)
        for span in bands
        if span.stop > span.start
    }
    return _Inference(values, se, z, crit)


def _cell_effects(panel: Panel, cells: Cells, pooled: np.ndarray) -> tuple[CellEffect, ...]:
    idx = np.flatnonzero(pooled)
    return tuple(
        CellEffect(
            group=float(cells.group[k]),
            time=float(cells.time[k]),
            base=float(panel.periods[cells.b_idx[k]]),
            att=float(cells.att[k]),
            se=float(cells.se[k]),
            n_treated=int(cells.n_treated[k]),
            n_control=int(cells.n_control[k]),
        )
        for k in idx
    )


# A Wald test needs its covariance estimated from many more clusters (units) than it has
# restrictions; with 80 reps and 70 weekly placebo cells the estimated covariance is nearly
# singular and the test rejects whatever the data. So the test covers at most one event
# time per this many units, the ones nearest to training.
PRETREND_UNITS_PER_DF = 10


def _pretrend(
    panel: Panel, cells: Cells, influence: Any, pooled: np.ndarray
) -> PreTrendTest | None:
    """Joint Wald test that the pre-training event-study effects are all zero, with their
    influence-function covariance (event times nearest training first; see above)."""
    from scipy.special import fdtrc

    pre_times = np.unique(cells.event[pooled & (cells.time < cells.group) & ~cells.reference])
    if not len(pre_times):
        return None
    width = max(1, min(len(pre_times), panel.n_units // PRETREND_UNITS_PER_DF))
    lowest = float(np.sort(pre_times)[-width])
    functional, _ = _event_study(cells, pooled, panel.n_units, (lowest, -1.0))
    theta = functional.weights.T @ cells.att
    cov = influence.covariance(functional)
    stat, df = _wald(theta, cov)
    clusters = influence.n_clusters
    if not df or clusters <= df:
        return PreTrendTest(stat=stat, df=df, p_value=float("nan"), test=SMALL_SAMPLE_TEST)
    # Hotelling's small-sample correction: the covariance is itself estimated from the
    # units, so the statistic is F(df, G - df) after scaling, not chi-square (which
    # over-rejects when G is in the tens, as in one sales force).
    f_stat = stat * (clusters - df) / ((clusters - 1) * df)
    return PreTrendTest(
        stat=stat, df=df, p_value=float(fdtrc(df, clusters - df, f_stat)), test=SMALL_SAMPLE_TEST
    )


def _pretrend_wald(
    panel: Panel, cells: Cells, influence: Any, pooled: np.ndarray
) -> PreTrendTest | None:
    """did's pre-test: Wald chi-square that every pre-training ATT(g, t) is zero, with their
    joint influence-function covariance; None (as did) if there is none or the covariance is
    singular."""
    from scipy.special import chdtrc

    pre = np.flatnonzero(pooled & (cells.time < cells.group) & ~cells.reference)
    if not len(pre):
        return None
    cov = influence.cell_covariance(pre)
    from scipy.linalg import solve_triangular

    try:
        factor = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return None  # singular (did: "not returning pre-test Wald statistic")
    pivots = np.diag(factor) ** 2
    if pivots.min() <= pivots.max() * np.finfo(float).eps:  # did: rcond <= eps, no test
        return None
    solved = solve_triangular(factor, cells.att[pre], lower=True)
    stat = float(solved @ solved)
    return PreTrendTest(
        stat=stat,
        df=len(pre),
        p_value=float(chdtrc(len(pre), stat)),
        test=WALD_TEST,
    )


WALD_TEST = "did's Wald chi-square over the pre-training ATT(g,t)"
SMALL_SAMPLE_TEST = "event-study Wald with Hotelling's small-sample F p-value"


def _wald(theta: np.ndarray, cov: np.ndarray) -> tuple[float, int]:
    """theta' cov^-1 theta and its degrees of freedom; a pseudo-inverse if cov is singular."""
    try:
        factor = np.linalg.cholesky(cov)
        solved = np.linalg.solve(factor, theta)
        return float(solved @ solved), len(theta)
    except np.linalg.LinAlgError:
        # Collinear placebo cells: test the identified combinations only.
        values, vectors = np.linalg.eigh(cov)
        keep = values > values.max(initial=0.0) * len(theta) * np.finfo(float).eps
        projected = vectors[:, keep].T @ theta
        return float(projected @ (projected / values[keep])), int(keep.sum())


def _subgroups(
    panel: Panel, aggs: _Aggregations, inference: _Inference
) -> tuple[SubgroupResult, ...]:
    return tuple(
        SubgroupResult(value, n_trained, inference.estimate(o)[0], inference.events(e, times))
        for value, n_trained, o, e, times in aggs.subgroups
    )


def _differences(
    panel: Panel, aggs: _Aggregations, inference: _Inference
) -> tuple[Difference, ...]:
    out = []
    for value, reference, o, e, times in aggs.differences:
        overall = inference.estimate(o)[0]
        out.append(
            # The unpacked Estimate fills the fields between `reference` and `event_study`.
            Difference(  # type: ignore[misc]
                value, reference, *overall.__dict__.values(), event_study=inference.events(e, times)
            )
        )
    return tuple(out)


def _decay(aggs: _Aggregations, inference: _Inference, period_days: float | None) -> Decay | None:
    if period_days is None:
        return None
    events = inference.events(aggs.events, aggs.event_times)
    post = [e for e in events if e.e >= 0]
    at = {e.e: Estimate(e.att, e.se, e.ci_low, e.ci_high) for e in post}
    points = tuple(
        DecayPoint(
            days,
            e,
            at.get(e) if e is not None else None,
            inference.estimate(span)[0] if span is not None else None,
        )
        for days, e, span in aggs.decay
    )
    covers_zero: Callable[[EventEffect], bool] = lambda e: e.ci_low <= 0 <= e.ci_high  # noqa: E731
    faded = None
    for effect in reversed(post):
        if not covers_zero(effect):
            break
        faded = effect.e
    return Decay(
        period_days=float(period_days),
        points=points,
        faded_at_period=faded,
        faded_at_days=None if faded is None else faded * period_days,
        ever_significant=any(not covers_zero(e) for e in post),
    )


def _notes(panel: Panel, cells: Cells, dropped: list[engine.Dropped]) -> tuple[str, ...]:
    notes = []
    if panel.dropped_early:
        shown = ", ".join(repr(u) for u in panel.dropped_early[:5])
        more = f" and {len(panel.dropped_early) - 5} more" if len(panel.dropped_early) > 5 else ""
        notes.append(
            f"{len(panel.dropped_early)} unit(s) left out: trained within the anticipation "
            f"window of the first period, with no earlier period to compare with ({shown}{more})"
        )
    estimated = {float(g) for g in cells.group[cells.attr == -1]}
    lost = sorted({d.group for d in dropped} - estimated)
    for g in lost:
        notes.append(f"cohort {g:g} has no estimable ATT(g,t) and is left out of every result")
    for d in dropped:
        if d.group in estimated:
            notes.append(
                f"ATT(g={d.group:g}, t={d.time:g}) not estimated (base {d.base:g}): {d.reason}"
            )
    incomplete = int((panel.stop - panel.start - panel.n_complete).sum())
    if incomplete:
        notes.append(
            f"unbalanced panel: {incomplete} unit(s) miss some periods; each ATT(g,t) uses the "
            "units observed in both of its periods"
        )
    return tuple(notes)
