"""Group-time effects with covariates, sampling weights or clusters: did's estimators with
every unit's influence function materialized.

The fast path of ``engine`` relies on each unit's influence function being an affine function
of its outcome row with coefficients shared by its stratum. Covariates (a propensity score and
an outcome regression per cell), sampling weights and clustering break that, so here each cell
is estimated as did does it (Sant'Anna & Zhao 2020 via DRDID: ``dr``, ``ipw`` or ``reg``, the
covariates taken at the cell's base period), its influence function kept as a column of a
(units x cells) matrix, and every aggregation, covariance and bootstrap draw is a product with
that matrix, summed by cluster when there are clusters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from sustain.impact.engine import (
    Cells,
    Dropped,
    Functional,
    _mammen,
    _rademacher,
    checked_variance,
    define_cells,
)
from sustain.impact.errors import ImpactInputError
from sustain.impact.panel import Panel

METHODS = ("dr", "ipw", "reg")
_DRAW_BLOCK = 256


@dataclass(frozen=True)
class UnitData:
    """Per panel row: sampling weight (mean 1), cluster code or None, stratum index, and the
    covariates by period (units x periods x k, without the intercept) or None."""

    weight: np.ndarray
    cluster: np.ndarray | None
    stratum: np.ndarray
    covariates: np.ndarray | None


def estimate_cells(
    panel: Panel,
    units: UnitData,
    control: str,
    attr: int | None,
    anticipation: int,
    base_period: str,
    method: str,
) -> tuple[Cells, list[Dropped], np.ndarray]:
    """Estimate every cell; return cells, dropped candidates and psi (units x cells), the
    influence functions scaled so that a variance is a plain sum of squares."""
    group, t_idx, b_idx, treated, comparison, attrs = define_cells(
        panel, control, attr, anticipation, base_period
    )
    n_units = panel.n_units
    by_period = np.ascontiguousarray(panel.y.T)  # one period's outcomes are contiguous
    observed = ~np.isnan(by_period)
    keep: list[int] = []
    dropped = []
    psi_matrix = np.zeros((n_units, len(group)), order="F")
    # With covariates that do not change over time, cells over the same units share their
    # propensity score and regression design: fit those once (a cohort's cells, typically).
    static = units.covariates is None or bool(
        np.all((units.covariates == units.covariates[:, :1]) | np.isnan(units.covariates))
    )
    fits: dict[tuple[object, ...], tuple[np.ndarray, ...]] = {}
    designs: dict[tuple[object, ...], np.ndarray] = {}
    att, n1s, n0s = [], [], []
    for k in range(len(group)):
        seen = observed[t_idx[k]] & observed[b_idx[k]]
        is_treated = treated[k][units.stratum] & seen
        is_control = comparison[k][units.stratum] & seen
        n1, n0 = int(is_treated.sum()), int(is_control.sum())
        if not n1 or not n0:
            reason = "trained" if not n1 else "comparison"
            dropped.append(
                Dropped(
                    float(group[k]),
                    float(panel.periods[t_idx[k]]),
                    float(panel.periods[b_idx[k]]),
                    f"no {reason} unit observed in both periods",
                )
            )
            continue
        psi = psi_matrix[:, len(keep)]
        if t_idx[k] == b_idx[k]:
            value = 0.0
        else:
            rows = np.flatnonzero(is_treated | is_control)
            change = by_period[t_idx[k], rows] - by_period[b_idx[k], rows]
            where = f"ATT(g={group[k]:g}, t={panel.periods[t_idx[k]]:g})"
            d = is_treated[rows]
            key = (
                hashlib.blake2b(rows.tobytes() + d.tobytes(), digest_size=16).digest(),
                None if static else int(b_idx[k]),
            )
            x = designs.get(key)
            if x is None:
                x = np.ones((len(rows), 1))
                if units.covariates is not None:
                    x = np.hstack([x, units.covariates[rows, b_idx[k]]])
                designs[key] = x
            value, influence = did_panel(
                change, d.astype(float), x, units.weight[rows], method, where, fits, key
            )
            psi[rows] = influence / len(rows)
        keep.append(k)
        att.append(value)
        n1s.append(n1)
        n0s.append(n0)
    keep_idx = np.asarray(keep, dtype=np.int64)
    psi_matrix = psi_matrix[:, : len(keep)]
    t_kept, b_kept = t_idx[keep_idx], b_idx[keep_idx]
    reference = t_kept == b_kept
    squares = np.einsum("ij,ij->j", psi_matrix, psi_matrix)
    var = checked_variance(squares, squares, "ATT(g,t)")
    if units.cluster is not None:
        sums = _cluster_sums(psi_matrix, units.cluster)
        var = checked_variance(np.einsum("ij,ij->j", sums, sums), squares, "ATT(g,t)")
    member = treated[keep_idx]
    weight_by_stratum = np.bincount(units.stratum, weights=units.weight, minlength=len(panel.start))
    cells = Cells(
        group=group[keep_idx],
        attr=attrs[keep_idx],
        time=panel.periods[t_kept],
        t_idx=t_kept,
        b_idx=b_kept,
        att=np.asarray(att, dtype=float),
        se=np.where(reference, np.nan, np.sqrt(var)),
        n_treated=np.asarray(n1s, dtype=float),
        n_control=np.asarray(n0s, dtype=float),
        coef=np.zeros(member.shape),
        center=np.zeros(member.shape),
        member=member.astype(np.float64),
        share=(member * weight_by_stratum).sum(axis=1) / n_units,
    )
    return cells, dropped, psi_matrix


def did_panel(
    change: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    method: str,
    where: str,
    fits: dict[tuple[object, ...], tuple[np.ndarray, ...]] | None = None,
    key: tuple[object, ...] | None = None,
) -> tuple[float, np.ndarray]:
    """One 2x2 panel DiD with covariates x (first column the intercept), as DRDID's
    ``drdid_panel`` (dr), ``std_ipw_did_panel`` (ipw) and ``reg_did_panel`` (reg) compute it.
    Return (ATT, influence function over these units, did's scale). ``fits`` caches what
    depends only on the units and covariates (not the outcome) under ``key``."""
    n = len(change)
    w = w / w.mean()
    untreated = 1.0 - d
    if fits is not None and key is not None and key in fits:
        ps, hessian, xpx_inv = fits[key]
    else:
        ps, hessian, xpx_inv = _design(x, d, w, untreated, method, where)
        if fits is not None and key is not None:
            fits[key] = (ps, hessian, xpx_inv)
    if method in ("dr", "ipw"):
        trim = np.where(d == 1, ps < 1.01, ps < 0.995).astype(float)
        lin_ps = ((w * (d - ps))[:, None] * x) @ hessian
    if method in ("dr", "reg"):
        wols = w * untreated
        beta = xpx_inv @ ((wols[:, None] * x).T @ change) / n
        fitted = x @ beta
        residual = change - fitted
        lin_ols = ((wols * residual)[:, None] * x) @ xpx_inv
    if method == "dr":
        w_t = trim * w * d
        w_c = trim * w * ps * untreated / (1 - ps)
        eta_t = (w_t * residual).mean() / w_t.mean()
        eta_c = (w_c * residual).mean() / w_c.mean()
        inf_t = w_t * residual - w_t * eta_t - lin_ols @ (w_t[:, None] * x).mean(axis=0)
        inf_t /= w_t.mean()
        m2 = ((w_c * (residual - eta_c))[:, None] * x).mean(axis=0)
        inf_c = w_c * residual - w_c * eta_c + lin_ps @ m2 - lin_ols @ (w_c[:, None] * x).mean(0)
        inf_c /= w_c.mean()
        return float(eta_t - eta_c), inf_t - inf_c
    if method == "ipw":
        w_t = trim * w * d
        w_c = trim * w * ps * untreated / (1 - ps)
        eta_t = (w_t * change).mean() / w_t.mean()
        eta_c = (w_c * change).mean() / w_c.mean()
        inf_t = (w_t * change - w_t * eta_t) / w_t.mean()
        m2 = ((w_c * (change - eta_c))[:, None] * x).mean(axis=0)
        inf_c = (w_c * change - w_c * eta_c + lin_ps @ m2) / w_c.mean()
        return float(eta_t - eta_c), inf_t - inf_c
    w_t = w * d
    eta_t = (w_t * change).mean() / w_t.mean()
    eta_c = (w_t * fitted).mean() / w_t.mean()
    inf_t = (w_t * change - w_t * eta_t) / w_t.mean()
    inf_c = (w_t * fitted - w_t * eta_c + lin_ols @ (w_t[:, None] * x).mean(axis=0)) / w_t.mean()
    return float(eta_t - eta_c), inf_t - inf_c


def _design(
    x: np.ndarray, d: np.ndarray, w: np.ndarray, untreated: np.ndarray, method: str, where: str
) -> tuple[np.ndarray, ...]:
    """(propensity score, n x its inverse information, inverse of X'WX/n over comparison)."""
    ps = hessian = xpx_inv = np.empty(0)
    if method in ("dr", "ipw"):
        ps, hessian = _logit(x, d, w, where)
        ps = np.minimum(ps, 1 - 1e-6)
    if method in ("dr", "reg"):
        wols = w * untreated
        try:
            xpx_inv = np.linalg.inv((wols[:, None] * x).T @ x / len(d))
        except np.linalg.LinAlgError as exc:
            raise ImpactInputError(
                f"{where}: the covariates are collinear among the comparison units"
            ) from exc
    return ps, hessian, xpx_inv


def _logit(
    x: np.ndarray, d: np.ndarray, w: np.ndarray, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logistic regression by Newton's method (as glm's IRLS): fitted probabilities
    and n times the inverse information matrix (DRDID's ``vcov(ps) * n``)."""
    from scipy.special import expit

    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = expit(x @ beta)
        info = (x * (w * p * (1 - p))[:, None]).T @ x
        try:
            step = np.linalg.solve(info, x.T @ (w * (d - p)))
        except np.linalg.LinAlgError as exc:
            raise ImpactInputError(
                f"{where}: the propensity score cannot be estimated (collinear covariates)"
            ) from exc
        beta += step
        if np.max(np.abs(step)) < 1e-12 * (1 + np.max(np.abs(beta))):
            break
    p = expit(x @ beta)
    if np.any(p[d == 1] >= 1 - 1e-6) or not np.all(np.isfinite(beta)):
        raise ImpactInputError(
            f"{where}: the covariates separate trained from comparison units (no overlap)"
        )
    info = (x * (w * p * (1 - p))[:, None]).T @ x
    return p, len(d) * np.linalg.inv(info)


def _cluster_sums(psi: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    out = np.zeros((int(cluster.max()) + 1, psi.shape[1]))
    np.add.at(out, cluster, psi)
    return out


@dataclass(frozen=True)
class DenseInfluence:
    """Covariances and bootstrap draws of aggregations from materialized influence functions."""

    psi: np.ndarray
    units: UnitData

    @property
    def n_clusters(self) -> int:
        if self.units.cluster is None:
            return len(self.units.weight)
        return int(self.units.cluster.max()) + 1

    def aggregate(self, functional: Functional) -> np.ndarray:
        """(units or clusters) x J influence functions of the aggregations."""
        from scipy import sparse

        # An aggregation weights few cells: a sparse product skips the zero weights.
        psi = np.asarray(sparse.csr_matrix(functional.weights.T) @ self.psi.T).T
        psi += self.units.weight[:, None] * functional.extra[self.units.stratum]
        return psi if self.units.cluster is None else _cluster_sums(psi, self.units.cluster)

    def covariance(self, functional: Functional) -> np.ndarray:
        psi = self.aggregate(functional)
        return psi.T @ psi

    def cell_covariance(self, idx: np.ndarray) -> np.ndarray:
        psi = self.psi[:, idx]
        if self.units.cluster is not None:
            psi = _cluster_sums(psi, self.units.cluster)
        return psi.T @ psi

    def draws(self, functional: Functional, draws: int, seed: int | None, kind: str) -> np.ndarray:
        rng = np.random.default_rng(seed)
        multipliers = _rademacher if kind == "rademacher" else _mammen
        psi = self.aggregate(functional)
        out = np.empty((draws, psi.shape[1]))
        for lo in range(0, draws, _DRAW_BLOCK):
            hi = min(lo + _DRAW_BLOCK, draws)
            out[lo:hi] = multipliers(rng, hi - lo, len(psi)) @ psi
        return out
