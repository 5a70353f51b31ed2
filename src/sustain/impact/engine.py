"""Callaway & Sant'Anna group-time effects, their aggregations and inference, vectorized.

Notation. Units are grouped in strata (a cohort, or a cohort and a subgroup). For a cell
k = (treated strata, period t, base period b), the estimate is the difference between the
mean change Y_t - Y_b of the treated units and of the comparison units, each over the units
observed in both periods. The unit-level influence function (scaled so that a variance is a
plain sum of squares, i.e. did's influence function divided by n) of a unit i in stratum s is

    psi_ik = coef[k, s] * (Y_it - Y_ib - center[k, s])

with coef = +1/n_treated or -1/n_control and center the mean change of the unit's role. Any
aggregation is a matrix ``weights`` (cells x J) plus a per-stratum term ``extra`` (strata x J,
the effect of estimating group shares, did's "wif"). For a stratum's units observed in every
period, psi is therefore an affine function of the unit's outcome row with coefficients shared
by the stratum, so covariances reduce to per-stratum T x T cross-product matrices and the
multiplier bootstrap to per-stratum (draws x units) @ (units x T) products: no influence
function is ever materialized per cell or per unit for complete units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from sustain.impact.panel import Panel

_BLOCK = 4096


@dataclass(frozen=True)
class Moments:
    """Per-stratum sufficient statistics of the globally centered outcome matrix ``yc``.

    ``mean``/``gram`` cover the complete units of each stratum (gram is centered at the
    stratum mean). The ``inc_*`` arrays cover units missing some period (None if there are
    none): with O the observed indicator and Yc zero-filled, ``inc_count = O'O``,
    ``inc_sum[t, b] = sum Yc_t O_b``, ``inc_sq[t, b] = sum Yc_t^2 O_b``, ``inc_cross = Yc'Yc``.
    """

    yc: np.ndarray
    n: np.ndarray
    n_complete: np.ndarray
    mean: np.ndarray
    gram: np.ndarray
    inc_count: np.ndarray | None
    inc_sum: np.ndarray | None
    inc_sq: np.ndarray | None
    inc_cross: np.ndarray | None


@dataclass(frozen=True)
class Cells:
    """Estimable group-time cells with what inference needs. Arrays are indexed by cell."""

    group: np.ndarray
    attr: np.ndarray
    time: np.ndarray
    t_idx: np.ndarray
    b_idx: np.ndarray
    att: np.ndarray
    se: np.ndarray
    n_treated: np.ndarray
    n_control: np.ndarray
    coef: np.ndarray
    center: np.ndarray
    member: np.ndarray
    share: np.ndarray

    def __len__(self) -> int:
        return len(self.att)

    @property
    def event(self) -> np.ndarray:
        return cast(np.ndarray, self.time - self.group)

    @property
    def reference(self) -> np.ndarray:
        """Universal-base-period reference cells (t == b): effect 0 by construction, no SE."""
        return cast(np.ndarray, self.t_idx == self.b_idx)


@dataclass(frozen=True)
class Functional:
    """A family of J linear aggregations of the cells: value = att @ weights."""

    weights: np.ndarray
    extra: np.ndarray

    @property
    def used(self) -> np.ndarray:
        """Cells with a nonzero weight in at least one aggregation."""
        return np.asarray((self.weights != 0).any(axis=1))

    def combine(self, matrix: np.ndarray) -> Functional:
        """Return the J' aggregations given by linear combinations (J x J') of these."""
        return Functional(self.weights @ matrix, self.extra @ matrix)

    @staticmethod
    def stack(parts: list[Functional]) -> Functional:
        return Functional(
            np.hstack([p.weights for p in parts]), np.hstack([p.extra for p in parts])
        )


def compute_moments(panel: Panel) -> Moments:
    """Center the outcome matrix in place by period and accumulate per-stratum moments."""
    y = panel.y
    # Every estimate and influence function depends on a unit only through its changes
    # Y_t - Y_b, so subtracting a constant from each unit's row changes nothing but the
    # arithmetic: with levels ~1e9 and changes ~1 the cross-products below would otherwise
    # cancel catastrophically (SEs off by orders of magnitude). Each row minus its own mean is
    # exact (Sterbenz), so the centered rows carry the unit's changes without rounding. Then
    # each period is centered too, which removes the common trend from the products.
    with np.errstate(invalid="ignore"):
        y -= (np.nanmean(y, axis=1) if not panel.balanced else y.mean(axis=1))[:, None]
        y -= np.nanmean(y, axis=0) if not panel.balanced else y.mean(axis=0)
    n_strata, n_periods = len(panel.start), panel.n_periods
    mean = np.zeros((n_strata, n_periods))
    gram = np.zeros((n_strata, n_periods, n_periods))
    for s in range(n_strata):
        lo = panel.start[s]
        rows = y[lo : lo + panel.n_complete[s]]
        if len(rows):
            mean[s] = rows.mean(axis=0)
            centered = rows - mean[s]
            gram[s] = centered.T @ centered
    inc = None if panel.balanced else _incomplete_moments(panel, y)
    return Moments(
        yc=y,
        n=(panel.stop - panel.start).astype(np.float64),
        n_complete=panel.n_complete.astype(np.float64),
        mean=mean,
        gram=gram,
        inc_count=None if inc is None else inc[0],
        inc_sum=None if inc is None else inc[1],
        inc_sq=None if inc is None else inc[2],
        inc_cross=None if inc is None else inc[3],
    )


def _incomplete_moments(panel: Panel, y: np.ndarray) -> tuple[np.ndarray, ...]:
    n_strata, n_periods = len(panel.start), panel.n_periods
    out = tuple(np.zeros((n_strata, n_periods, n_periods)) for _ in range(4))
    for s in range(n_strata):
        rows = y[panel.start[s] + panel.n_complete[s] : panel.stop[s]]
        if not len(rows):
            continue
        seen = (~np.isnan(rows)).astype(np.float64)
        filled = np.nan_to_num(rows)
        out[0][s] = seen.T @ seen
        out[1][s] = filled.T @ seen
        out[2][s] = (filled * filled).T @ seen
        out[3][s] = filled.T @ filled
    return out


def define_cells(
    panel: Panel,
    control: str,
    attr: int | None,
    anticipation: int = 0,
    base_period: str = "varying",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (group, t_idx, b_idx, treated, comparison) of every candidate cell, plus attr.

    As did: the base period of a post-training period t >= g is the last period before
    g - anticipation. Before that, with the varying base period (did's default) a period is
    compared with the one just before it; with the universal base period every period is
    compared with that same base, which then appears as a reference cell (t == b, effect 0 by
    construction). Not-yet-trained comparison units are those trained after
    max(t, b) + anticipation. ``attr`` None pools all strata of a cohort; an int restricts the
    treated units to that subgroup, while the comparison units stay the whole comparison group.
    """
    periods, cohorts = panel.periods, panel.strata_cohort
    treated_cohorts = np.unique(cohorts[cohorts > 0])
    if attr is not None:
        treated_cohorts = np.unique(cohorts[(cohorts > 0) & (panel.strata_attr == attr)])
    groups, t_list, b_list, treated_rows, control_rows = [], [], [], [], []
    first = 0 if base_period == "universal" else 1
    for g in treated_cohorts:
        base_post = int(np.searchsorted(periods, g - anticipation, side="left")) - 1
        if base_post < 0:
            continue
        is_treated = cohorts == g
        if attr is not None:
            is_treated = is_treated & (panel.strata_attr == attr)
        for ti in range(first, len(periods)):
            bi = base_post if base_period == "universal" or periods[ti] >= g else ti - 1
            latest = max(periods[ti], periods[bi]) + anticipation
            if control == "never":
                comparison = cohorts == 0
            else:
                comparison = (cohorts == 0) | ((cohorts > latest) & (cohorts != g))
            groups.append(g)
            t_list.append(ti)
            b_list.append(bi)
            treated_rows.append(is_treated)
            control_rows.append(comparison)
    n_strata = len(cohorts)
    shape = (len(groups), n_strata)
    return (
        np.asarray(groups, dtype=np.float64),
        np.asarray(t_list, dtype=np.int64),
        np.asarray(b_list, dtype=np.int64),
        np.asarray(treated_rows, dtype=bool).reshape(shape),
        np.asarray(control_rows, dtype=bool).reshape(shape),
        np.full(len(groups), -1 if attr is None else attr, dtype=np.int64),
    )


@dataclass(frozen=True)
class Dropped:
    """A candidate cell that could not be estimated, and why."""

    group: float
    time: float
    base: float
    reason: str


def estimate_cells(
    panel: Panel,
    moments: Moments,
    control: str,
    attr: int | None,
    anticipation: int = 0,
    base_period: str = "varying",
) -> tuple[Cells, list[Dropped]]:
    """Estimate every cell that has at least one treated and one comparison unit observed;
    return the cells and the candidates dropped for lack of either."""
    group, t_idx, b_idx, treated, comparison, attrs = define_cells(
        panel, control, attr, anticipation, base_period
    )
    count, total = _cell_counts_and_sums(moments, t_idx, b_idx)
    n1 = (count * treated).sum(axis=1)
    n0 = (count * comparison).sum(axis=1)
    ok = (n1 > 0) & (n0 > 0)
    dropped = [
        Dropped(
            float(group[k]),
            float(panel.periods[t_idx[k]]),
            float(panel.periods[b_idx[k]]),
            "no trained unit observed in both periods"
            if n1[k] == 0
            else "no comparison unit observed in both periods",
        )
        for k in np.flatnonzero(~ok)
    ]
    group, t_idx, b_idx, treated, comparison, attrs = (
        a[ok] for a in (group, t_idx, b_idx, treated, comparison, attrs)
    )
    count, total, n1, n0 = count[ok], total[ok], n1[ok], n0[ok]
    mu1 = (total * treated).sum(axis=1) / n1
    mu0 = (total * comparison).sum(axis=1) / n0
    reference = t_idx == b_idx
    coef = treated / n1[:, None] - comparison / n0[:, None]
    coef[reference] = 0.0
    center = np.where(treated, mu1[:, None], mu0[:, None])
    var = (coef**2 * _sum_squares(moments, t_idx, b_idx, center)).sum(axis=1)
    n_total = moments.n.sum()
    cells = Cells(
        group=group,
        attr=attrs,
        time=panel.periods[t_idx],
        t_idx=t_idx,
        b_idx=b_idx,
        att=np.where(reference, 0.0, mu1 - mu0),
        se=np.where(reference, np.nan, np.sqrt(var)),
        n_treated=n1,
        n_control=n0,
        coef=coef,
        center=center,
        member=treated.astype(np.float64),
        share=(treated * moments.n).sum(axis=1) / n_total,
    )
    return cells, dropped


def _cell_counts_and_sums(
    m: Moments, t_idx: np.ndarray, b_idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(cells x strata) counts of units observed at t and b, and sums of Yc_t - Yc_b."""
    count = np.broadcast_to(m.n_complete, (len(t_idx), len(m.n))).copy()
    total = (m.mean[:, t_idx] - m.mean[:, b_idx]).T * m.n_complete
    if m.inc_count is not None and m.inc_sum is not None:
        count += m.inc_count[:, t_idx, b_idx].T
        total += (m.inc_sum[:, t_idx, b_idx] - m.inc_sum[:, b_idx, t_idx]).T
    return count, total


def _sum_squares(
    m: Moments, t_idx: np.ndarray, b_idx: np.ndarray, center: np.ndarray
) -> np.ndarray:
    """(cells x strata) sums over observed units of (Yc_t - Yc_b - center)^2."""
    g = m.gram
    spread = (g[:, t_idx, t_idx] + g[:, b_idx, b_idx] - 2 * g[:, t_idx, b_idx]).T
    gap = (m.mean[:, t_idx] - m.mean[:, b_idx]).T - center
    out = spread + m.n_complete * gap**2
    scale = g[:, t_idx, t_idx].T + g[:, b_idx, b_idx].T + m.n_complete * gap**2
    if m.inc_count is not None and m.inc_sum is not None:
        assert m.inc_sq is not None and m.inc_cross is not None
        sq = m.inc_sq[:, t_idx, b_idx] + m.inc_sq[:, b_idx, t_idx]
        diff_sum = m.inc_sum[:, t_idx, b_idx] - m.inc_sum[:, b_idx, t_idx]
        cross = m.inc_cross[:, t_idx, b_idx]
        square = center**2 * m.inc_count[:, t_idx, b_idx].T
        out += (sq - 2 * cross).T - 2 * center * diff_sum.T + square
        scale += sq.T + 2 * np.abs(cross.T) + 2 * np.abs(center * diff_sum.T) + square
    return checked_variance(out, scale, "ATT(g,t)")


class ImpactNumericalError(ArithmeticError):
    """A variance came out negative beyond rounding: the arithmetic failed, so no SE is given."""


def checked_variance(value: np.ndarray, scale: np.ndarray, what: str) -> np.ndarray:
    """Return ``value`` (sums of squares) with exact zeros' rounding noise set to 0; raise
    ImpactNumericalError if any is negative by more than rounding of terms of size ``scale``.
    A negative variance is never clamped: it means the cross-products cancelled."""
    tolerance = 1e3 * np.finfo(float).eps * (np.abs(scale) + np.finfo(float).tiny)
    if np.any(value < -tolerance):
        worst = float(np.min(value / np.maximum(tolerance, np.finfo(float).tiny)))
        raise ImpactNumericalError(
            f"negative variance for {what} ({worst:.3g} x the rounding tolerance): the "
            "covariance cannot be computed accurately from these data"
        )
    return np.where(value < 0, 0.0, value)


def share_weighted(cells: Cells, keep: np.ndarray, n_total: float) -> Functional:
    """Aggregations weighting cells by their treated group's share (did's pg weights).

    ``keep`` is (cells x J) boolean. Includes the effect of estimating the shares (did's
    ``wif``): for unit i, (1/S) * sum_k (1[i in group k] - pg_k)(att_k - theta), scaled by 1/n.
    """
    raw = keep * cells.share[:, None]
    total = raw.sum(axis=0)
    weights = np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)
    theta = cells.att @ weights
    relative = (cells.member - cells.share[:, None]) / cells.share[:, None]
    extra = relative.T @ (weights * (cells.att[:, None] - theta[None, :])) / n_total
    return Functional(weights, extra)


def equal_weighted(cells: Cells, keep: np.ndarray, n_strata: int) -> Functional:
    """Plain averages of the kept cells (did's group aggregation: weights are not estimated)."""
    count = keep.sum(axis=0)
    weights = np.divide(keep, count, out=np.zeros(keep.shape), where=count > 0)
    return Functional(weights, np.zeros((n_strata, keep.shape[1])))


def _loadings(
    cells: Cells, moments: Moments, functional: Functional, s: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For stratum s: (A, beta, active cells) with psi_i = (Yc_i - mean_s) @ A + beta."""
    # Only cells that enter some aggregation and involve stratum s contribute to its loading.
    active = np.flatnonzero((cells.coef[:, s] != 0) & functional.used)
    n_periods = moments.mean.shape[1]
    scaled = cells.coef[active, s, None] * functional.weights[active]
    # A dense +1/-1 period-by-cell operator turns the scatter into one BLAS product.
    operator = np.zeros((n_periods, len(active)))
    columns = np.arange(len(active))
    operator[cells.t_idx[active], columns] += 1.0
    operator[cells.b_idx[active], columns] -= 1.0
    loading = operator @ scaled
    beta = (
        moments.mean[s] @ loading
        - (cells.center[active, s] * cells.coef[active, s]) @ functional.weights[active]
        + functional.extra[s]
    )
    return loading, beta, active


def _incomplete_psi(
    panel: Panel, cells: Cells, moments: Moments, functional: Functional, s: int
) -> np.ndarray:
    """Materialized influence functions of stratum s's units that miss some period."""
    rows = moments.yc[panel.start[s] + panel.n_complete[s] : panel.stop[s]]
    active = np.flatnonzero((cells.coef[:, s] != 0) & functional.used)
    scaled = cells.coef[active, s, None] * functional.weights[active]
    out = np.empty((len(rows), functional.weights.shape[1]))
    for lo in range(0, len(rows), _BLOCK):
        block = rows[lo : lo + _BLOCK]
        change = block[:, cells.t_idx[active]] - block[:, cells.b_idx[active]]
        change = np.nan_to_num(change - cells.center[active, s])
        out[lo : lo + _BLOCK] = change @ scaled + functional.extra[s]
    return out


def covariance(panel: Panel, cells: Cells, moments: Moments, functional: Functional) -> np.ndarray:
    """J x J covariance of the aggregations (analytic, clustered by unit).

    Raises ImpactNumericalError if a variance comes out negative beyond rounding."""
    j = functional.weights.shape[1]
    cov = np.zeros((j, j))
    scale = np.zeros(j)
    for s in range(len(panel.start)):
        loading, beta, _ = _loadings(cells, moments, functional, s)
        cov += loading.T @ moments.gram[s] @ loading + moments.n_complete[s] * np.outer(beta, beta)
        magnitude = np.abs(loading)
        scale += ((np.abs(moments.gram[s]) @ magnitude) * magnitude).sum(axis=0)
        scale += moments.n_complete[s] * beta**2
        if panel.n_complete[s] < panel.stop[s] - panel.start[s]:
            psi = _incomplete_psi(panel, cells, moments, functional, s)
            cov += psi.T @ psi
            scale += (psi * psi).sum(axis=0)
    diagonal = checked_variance(np.diag(cov).copy(), scale, "an aggregated effect")
    np.fill_diagonal(cov, diagonal)
    return cov


def cell_covariance(panel: Panel, cells: Cells, moments: Moments, idx: np.ndarray) -> np.ndarray:
    """Covariance of the cells ``idx`` themselves, gathered from the per-stratum moments.

    A cell's loading on a stratum is coef * (e_t - e_b), so the products L'GL reduce to
    gathers of the stratum's gram matrix: no dense period-by-cell products (did's pre-test
    covers every pre-training cell, ~1,000 on a two-year weekly panel)."""
    k = len(idx)
    cov, scale = np.zeros((k, k)), np.zeros(k)
    t, b = cells.t_idx[idx], cells.b_idx[idx]
    for s in range(len(panel.start)):
        c = cells.coef[idx, s]
        act = np.flatnonzero(c)
        if not len(act):
            continue
        ta, ba, ca = t[act], b[act], c[act]
        g = moments.gram[s]
        spread = g[np.ix_(ta, ta)] - g[np.ix_(ta, ba)] - g[np.ix_(ba, ta)] + g[np.ix_(ba, ba)]
        beta = ca * (moments.mean[s, ta] - moments.mean[s, ba] - cells.center[idx[act], s])
        cov[np.ix_(act, act)] += ca[:, None] * spread * ca[None, :] + moments.n_complete[
            s
        ] * np.outer(beta, beta)
        scale[act] += ca**2 * (g[ta, ta] + g[ba, ba] + 2 * np.abs(g[ta, ba]))
        scale[act] += moments.n_complete[s] * beta**2
        if panel.n_complete[s] < panel.stop[s] - panel.start[s]:
            pick = np.zeros((len(cells), k))
            pick[idx, np.arange(k)] = 1.0
            functional = Functional(pick, np.zeros((len(panel.start), k)))
            psi = _incomplete_psi(panel, cells, moments, functional, s)
            cov += psi.T @ psi
            scale += (psi * psi).sum(axis=0)
    diagonal = checked_variance(np.diag(cov).copy(), scale, "an ATT(g,t)")
    np.fill_diagonal(cov, diagonal)
    return cov


@dataclass(frozen=True)
class FastInfluence:
    """Covariances and bootstrap draws from the per-stratum moments (no covariates, weights
    or clusters): the same interface as ``general.DenseInfluence``."""

    panel: Panel
    cells: Cells
    moments: Moments

    @property
    def n_clusters(self) -> int:
        return self.panel.n_units

    def covariance(self, functional: Functional) -> np.ndarray:
        return covariance(self.panel, self.cells, self.moments, functional)

    def variance(self, functional: Functional) -> np.ndarray:
        return np.diag(self.covariance(functional))

    def cell_covariance(self, idx: np.ndarray) -> np.ndarray:
        return cell_covariance(self.panel, self.cells, self.moments, idx)

    def draws(self, functional: Functional, draws: int, seed: int | None, kind: str) -> np.ndarray:
        return bootstrap_draws(self.panel, self.cells, self.moments, functional, draws, seed, kind)


MAMMEN_LOW = (1 - np.sqrt(5)) / 2
MAMMEN_HIGH = (1 + np.sqrt(5)) / 2
MAMMEN_P_LOW = (np.sqrt(5) + 1) / (2 * np.sqrt(5))


def bootstrap_draws(
    panel: Panel,
    cells: Cells,
    moments: Moments,
    functional: Functional,
    draws: int,
    seed: int | None,
    kind: str = "rademacher",
) -> np.ndarray:
    """(draws x J) multiplier-bootstrap perturbations sum_i v_i psi_i; v are Rademacher
    (+1/-1 with equal probability, did's default) or Mammen's two-point weights."""
    rng = np.random.default_rng(seed)
    multipliers = _rademacher if kind == "rademacher" else _mammen
    out = np.zeros((draws, functional.weights.shape[1]))
    for s in range(len(panel.start)):
        loading, beta, _ = _loadings(cells, moments, functional, s)
        lo, n_complete = panel.start[s], panel.n_complete[s]
        projected = np.zeros((draws, loading.shape[0]))
        weight_sum = np.zeros(draws)
        for first in range(0, n_complete, _BLOCK):
            block = moments.yc[lo + first : lo + min(first + _BLOCK, n_complete)]
            v = multipliers(rng, draws, len(block))
            projected += v @ (block - moments.mean[s])
            weight_sum += v.sum(axis=1)
        out += projected @ loading + weight_sum[:, None] * beta
        if n_complete < panel.stop[s] - lo:
            psi = _incomplete_psi(panel, cells, moments, functional, s)
            out += multipliers(rng, draws, len(psi)) @ psi
    return out


BOOTSTRAP_WEIGHTS = ("rademacher", "mammen")


def _rademacher(rng: np.random.Generator, draws: int, units: int) -> np.ndarray:
    # +1 or -1 with probability 1/2 each: did's, moderndid's and csdid's default multipliers.
    return np.where(rng.random((draws, units)) < 0.5, -1.0, 1.0)


def _mammen(rng: np.random.Generator, draws: int, units: int) -> np.ndarray:
    # Mammen's two-point weights (mean 0, variance 1, third moment 1).
    return cast(
        np.ndarray, np.where(rng.random((draws, units)) < MAMMEN_P_LOW, MAMMEN_LOW, MAMMEN_HIGH)
    )


def bootstrap_scale(draws: np.ndarray) -> np.ndarray:
    """did's bootstrap standard error: interquartile range / (z_.75 - z_.25), type-1 quantiles."""
    q75 = _quantile_type1(draws, 0.75)
    q25 = _quantile_type1(draws, 0.25)
    return cast(np.ndarray, (q75 - q25) / (2 * 0.6744897501960817))


def uniform_critical_value(draws: np.ndarray, scale: np.ndarray, alpha: float) -> float:
    """1 - alpha quantile of the max over columns of |draw / scale| (simultaneous band)."""
    usable = scale > np.sqrt(np.finfo(float).eps) * 10
    if not usable.any():
        return float("nan")
    t_max = np.max(np.abs(draws[:, usable] / scale[usable]), axis=1)
    return float(_quantile_type1(t_max[:, None], 1 - alpha)[0])


def _quantile_type1(x: np.ndarray, q: float) -> np.ndarray:
    # R's type-1 quantile (inverse of the empirical CDF), as did uses, so bands agree.
    ordered = np.sort(x, axis=0)
    k = max(int(np.ceil(q * len(ordered))) - 1, 0)
    return cast(np.ndarray, ordered[k])
