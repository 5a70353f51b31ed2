"""``estimate``: the engine's one entry point, from a long panel to an ImpactResult."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from sustain.impact import engine
from sustain.impact.engine import Cells, Functional
from sustain.impact.errors import ImpactInputError
from sustain.impact.panel import Panel, build_panel
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
    that many Mammen multiplier-bootstrap replications (seeded by ``seed``) for standard
    errors and a uniform event-study band. Raises ImpactInputError for unusable input.
    """
    mode = _check_options(control, bootstrap, alpha, period_days)
    panel = build_panel(data, unit=unit, time=time, outcome=outcome, cohort=cohort, by=by)
    _check_comparison_group(panel, mode)
    treated_periods = _count_treated_periods(panel)
    moments = engine.compute_moments(panel)
    codes = _subgroup_codes(panel, by)
    cells = _concat(
        [engine.estimate_cells(panel, moments, mode, None)]
        + [engine.estimate_cells(panel, moments, mode, code) for code in codes]
    )
    pooled = cells.attr == -1
    if not (pooled & (cells.time >= cells.group)).any():
        raise ImpactInputError(
            "no comparison group for any post-training period: with control='notyet' there must "
            "be never-trained units or units trained later than each cohort"
        )
    reference = _reference(panel, codes, by_reference)
    plan = _plan(panel, cells, moments.n.sum(), codes, reference, (min_e, max_e), period_days)
    inference = _infer(panel, cells, moments, plan, bootstrap, seed, alpha)
    return ImpactResult(
        method="callaway-santanna",
        control=mode,
        outcome=outcome,
        n_units=panel.n_units,
        n_periods=panel.n_periods,
        alpha=alpha,
        att_gt=_cell_effects(panel, cells, pooled),
        overall=inference.estimate(plan.overall)[0],
        event_study=inference.events(plan.events, plan.event_times),
        band="uniform" if bootstrap else "pointwise",
        critical_value=inference.critical(plan.events),
        by_group=tuple(
            GroupEffect(g, *e.__dict__.values())
            for g, e in zip(plan.groups_values, inference.estimate(plan.groups), strict=True)
        ),
        by_calendar=tuple(
            CalendarEffect(t, *e.__dict__.values())
            for t, e in zip(plan.calendar_values, inference.estimate(plan.calendar), strict=True)
        ),
        pretrend=_pretrend(panel, cells, moments, pooled),
        treated_periods=treated_periods,
        bootstrap=bootstrap,
        seed=seed,
        by=by,
        subgroups=_subgroups(panel, plan, inference),
        differences=_differences(panel, plan, inference),
        decay=_decay(plan, inference, period_days),
        notes=_notes(panel, cells),
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
class _Plan:
    """Every aggregation to compute, stacked as one Functional; slices index into it."""

    parts: list[Functional]
    width: int = 0
    overall: slice = slice(0)
    events: slice = slice(0)
    event_times: np.ndarray | None = None
    groups: slice = slice(0)
    groups_values: tuple[float, ...] = ()
    calendar: slice = slice(0)
    calendar_values: tuple[float, ...] = ()
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


def _plan(
    panel: Panel,
    cells: Cells,
    n_total: float,
    codes: list[int],
    reference: int | None,
    window: tuple[float | None, float | None],
    period_days: float | None,
) -> _Plan:
    plan = _Plan(parts=[])
    post = cells.time >= cells.group
    pooled = cells.attr == -1
    plan.overall = plan.add(engine.share_weighted(cells, (pooled & post)[:, None], n_total))
    events_f, times = _event_study(cells, pooled, n_total, window)
    plan.events, plan.event_times = plan.add(events_f), times
    groups = np.unique(cells.group[pooled & post])
    keep = (pooled & post)[:, None] & (cells.group[:, None] == groups[None, :])
    plan.groups = plan.add(engine.equal_weighted(cells, keep, len(panel.start)))
    plan.groups_values = tuple(float(g) for g in groups)
    dates = np.unique(cells.time[pooled & post])
    keep = (pooled & post)[:, None] & (cells.time[:, None] == dates[None, :])
    plan.calendar = plan.add(engine.share_weighted(cells, keep, n_total))
    plan.calendar_values = tuple(float(t) for t in dates)
    _plan_subgroups(plan, panel, cells, n_total, codes, reference, window)
    if period_days is not None:
        plan.decay = tuple(
            _plan_decay(plan, events_f, times, days / period_days, days) for days in DECAY_DAYS
        )
    return plan


def _event_study(
    cells: Cells, selected: np.ndarray, n_total: float, window: tuple[float | None, float | None]
) -> tuple[Functional, np.ndarray]:
    event = cells.event
    times = np.unique(event[selected])
    lo, hi = window
    times = times[
        (times >= (-np.inf if lo is None else lo)) & (times <= (np.inf if hi is None else hi))
    ]
    keep = selected[:, None] & (event[:, None] == times[None, :])
    return engine.share_weighted(cells, keep, n_total), times


def _plan_subgroups(
    plan: _Plan,
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
            (panel.attr_values[code], n_trained, plan.add(overall), plan.add(events), times)
        )
    plan.subgroups = tuple(subgroups)
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
                plan.add(gap),
                plan.add(gap_events),
                common,
            )
        )
    plan.differences = tuple(differences)


def _plan_decay(
    plan: _Plan, events: Functional, times: np.ndarray, threshold: float, days: float
) -> tuple[float, float | None, slice | None]:
    later = times[(times >= 0) & (times >= threshold - 1e-9)]
    if not len(later):
        return days, None, None
    average = ((times >= later[0]) / len(later)).astype(float)[:, None]
    return days, float(later[0]), plan.add(events.combine(average))


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
    panel: Panel,
    cells: Cells,
    moments: engine.Moments,
    plan: _Plan,
    bootstrap: int,
    seed: int | None,
    alpha: float,
) -> _Inference:
    from scipy.special import ndtri

    functional = plan.stacked()
    values = cells.att @ functional.weights
    z = float(ndtri(1 - alpha / 2))
    if not bootstrap:
        cov = engine.covariance(panel, cells, moments, functional)
        return _Inference(values, np.sqrt(np.maximum(np.diag(cov), 0)), z, {})
    draws = engine.bootstrap_draws(panel, cells, moments, functional, bootstrap, seed)
    se = engine.bootstrap_scale(draws)
    bands = [plan.events] + [s[3] for s in plan.subgroups] + [d[3] for d in plan.differences]
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
    panel: Panel, cells: Cells, moments: engine.Moments, pooled: np.ndarray
) -> PreTrendTest | None:
    """Joint Wald test that the pre-training event-study effects are all zero, with their
    influence-function covariance (event times nearest training first; see above)."""
    from scipy.special import fdtrc

    pre_times = np.unique(cells.event[pooled & (cells.time < cells.group)])
    if not len(pre_times):
        return None
    width = max(1, min(len(pre_times), panel.n_units // PRETREND_UNITS_PER_DF))
    lowest = float(np.sort(pre_times)[-width])
    functional, _ = _event_study(cells, pooled, moments.n.sum(), (lowest, -1.0))
    theta = functional.weights.T @ cells.att
    cov = engine.covariance(panel, cells, moments, functional)
    stat, df = _wald(theta, cov)
    clusters = panel.n_units
    if not df or clusters <= df:
        return PreTrendTest(stat=stat, df=df, p_value=float("nan"))
    # Hotelling's small-sample correction: the covariance is itself estimated from the
    # units, so the statistic is F(df, G - df) after scaling, not chi-square (which
    # over-rejects when G is in the tens, as in one sales force).
    f_stat = stat * (clusters - df) / ((clusters - 1) * df)
    return PreTrendTest(stat=stat, df=df, p_value=float(fdtrc(df, clusters - df, f_stat)))


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


def _subgroups(panel: Panel, plan: _Plan, inference: _Inference) -> tuple[SubgroupResult, ...]:
    return tuple(
        SubgroupResult(value, n_trained, inference.estimate(o)[0], inference.events(e, times))
        for value, n_trained, o, e, times in plan.subgroups
    )


def _differences(panel: Panel, plan: _Plan, inference: _Inference) -> tuple[Difference, ...]:
    out = []
    for value, reference, o, e, times in plan.differences:
        overall = inference.estimate(o)[0]
        out.append(
            Difference(
                value, reference, *overall.__dict__.values(), event_study=inference.events(e, times)
            )
        )
    return tuple(out)


def _decay(plan: _Plan, inference: _Inference, period_days: float | None) -> Decay | None:
    if period_days is None:
        return None
    events = inference.events(plan.events, plan.event_times)
    post = [e for e in events if e.e >= 0]
    at = {e.e: Estimate(e.att, e.se, e.ci_low, e.ci_high) for e in post}
    points = tuple(
        DecayPoint(
            days,
            e,
            at.get(e) if e is not None else None,
            inference.estimate(span)[0] if span is not None else None,
        )
        for days, e, span in plan.decay
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


def _notes(panel: Panel, cells: Cells) -> tuple[str, ...]:
    notes = []
    incomplete = int((panel.stop - panel.start - panel.n_complete).sum())
    if incomplete:
        notes.append(
            f"unbalanced panel: {incomplete} unit(s) miss some periods; each ATT(g,t) uses the "
            "units observed in both of its periods"
        )
    return tuple(notes)
