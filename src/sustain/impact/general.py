"""Group-time effects with covariates, sampling weights or clusters: did's estimators with
every unit's influence function materialized.

The fast path of ``engine`` relies on each unit's influence function being an affine function
of its outcome row with coefficients shared by its stratum. Covariates (a propensity score and
an outcome regression per cell), sampling weights and clustering break that, so here each cell
is estimated as did does it (Sant'Anna & Zhao 2020 via DRDID: ``dr``, ``ipw`` or ``reg``, the
covariates taken at the cell's base period), its influence function kept as a column of a
(units x cells) matrix (stored by blocks, ``Blocks``), and every aggregation, covariance and
bootstrap draw is a product with that matrix, summed by cluster when there are clusters.
Cells over the same units and design (a cohort's, with time-invariant covariates) are
estimated together: one propensity score and regression design, one batch of products.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import pairwise
from typing import cast

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
) -> tuple[Cells, list[Dropped], Blocks]:
    """Estimate every cell; return cells, dropped candidates and psi (units x cells), the
    influence functions scaled so that a variance is a plain sum of squares."""
    group, t_idx, b_idx, treated, comparison, attrs = define_cells(
        panel, control, attr, anticipation, base_period
    )
    n_units = panel.n_units
    observed = np.ascontiguousarray(~np.isnan(panel.y.T))  # one period's are contiguous
    keep: list[int] = []
    dropped = []
    # With covariates that do not change over time, cells over the same units share their
    # propensity score and regression design, and everything else is linear in the outcome
    # change: estimate such cells (a cohort's, typically) together, one column each.
    static = units.covariates is None or bool(
        np.all((units.covariates == units.covariates[:, :1]) | np.isnan(units.covariates))
    )
    batches: dict[tuple[object, ...], _Batch] = {}
    # In a balanced panel a cell's units depend only on its trained and comparison strata.
    balanced = bool(observed.all())
    selections: dict[tuple[bytes, bytes], tuple[np.ndarray, np.ndarray, bytes]] = {}
    n1s, n0s = [], []
    for k in range(len(group)):
        found = selections.get((treated[k].tobytes(), comparison[k].tobytes()))
        if found is None:
            seen = observed[t_idx[k]] & observed[b_idx[k]]
            is_treated = treated[k][units.stratum] & seen
            rows = np.flatnonzero(is_treated | (comparison[k][units.stratum] & seen))
            d = is_treated[rows]
            digest = hashlib.blake2b(rows.tobytes() + d.tobytes(), digest_size=16).digest()
            found = rows, d, digest
            if balanced:
                selections[treated[k].tobytes(), comparison[k].tobytes()] = found
        rows, d, digest = found
        n1 = int(d.sum())
        n0 = len(d) - n1
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
        if t_idx[k] != b_idx[k]:
            key = (digest, None if static else int(b_idx[k]))
            batch = batches.get(key)
            if batch is None:
                batch = batches[key] = _Batch(rows, d, int(b_idx[k]), [], [], [])
            batch.columns.append(len(keep))
            batch.t_idx.append(int(t_idx[k]))
            batch.b_idx.append(int(b_idx[k]))
        keep.append(k)
        n1s.append(n1)
        n0s.append(n0)
    keep_idx = np.asarray(keep, dtype=np.int64)
    t_kept, b_kept = t_idx[keep_idx], b_idx[keep_idx]
    reference = t_kept == b_kept
    att = np.zeros(len(keep))  # reference cells (t == b) stay 0, influence 0
    psi = Blocks.by_stratum(
        units.stratum, (treated[keep_idx] | comparison[keep_idx]) & ~reference[:, None]
    )
    for batch in batches.values():
        rows, columns = batch.rows, np.asarray(batch.columns)
        outcomes = panel.y[rows]
        change = outcomes[:, batch.t_idx] - outcomes[:, batch.b_idx]  # units x cells
        x = np.ones((len(rows), 1))
        if units.covariates is not None:
            x = np.hstack([x, units.covariates[rows, batch.base]])
        first = keep[batch.columns[0]]
        where = f"ATT(g={group[first]:g}, t={panel.periods[t_idx[first]]:g})"
        values, influence = did_panel(
            change, batch.d.astype(float), x, units.weight[rows], method, where
        )
        att[columns] = values
        influence /= len(rows)
        psi.put(rows, columns, influence)
    squares = psi.column_squares()
    var = checked_variance(squares, squares, "ATT(g,t)")
    if units.cluster is not None:
        sums = _cluster_sums(psi.dense(), units.cluster)
        var = checked_variance(np.einsum("ij,ij->j", sums, sums), squares, "ATT(g,t)")
    member = treated[keep_idx]
    weight_by_stratum = np.bincount(units.stratum, weights=units.weight, minlength=len(panel.start))
    cells = Cells(
        group=group[keep_idx],
        attr=attrs[keep_idx],
        time=panel.periods[t_kept],
        t_idx=t_kept,
        b_idx=b_kept,
        att=att,
        se=np.where(reference, np.nan, np.sqrt(var)),
        n_treated=np.asarray(n1s, dtype=float),
        n_control=np.asarray(n0s, dtype=float),
        coef=np.zeros(member.shape),
        center=np.zeros(member.shape),
        member=member.astype(np.float64),
        share=(member * weight_by_stratum).sum(axis=1) / n_units,
    )
    return cells, dropped, psi


@dataclass
class _Batch:
    """Cells estimated together: the same units, trained indicator and base-period design."""

    rows: np.ndarray
    d: np.ndarray
    base: int
    columns: list[int]
    t_idx: list[int]
    b_idx: list[int]


@dataclass(frozen=True)
class Blocks:
    """A units x cells matrix stored by blocks of rows: the block of rows lo:hi holds only the
    given columns, the rest of those rows being 0. Influence functions by stratum (a
    stratum's units are contiguous rows) are nonzero only in the cells that train or compare
    that stratum, so the comparison units' rows alone span every cell."""

    shape: tuple[int, int]
    parts: list[tuple[int, int, np.ndarray, np.ndarray]]  # lo, hi, columns, values

    @classmethod
    def of(cls, dense: np.ndarray) -> Blocks:
        rows, columns = dense.shape
        return cls((rows, columns), [(0, rows, np.arange(columns), dense)])

    @classmethod
    def by_stratum(cls, stratum: np.ndarray, enters: np.ndarray) -> Blocks:
        """Zeros, one block per run of a stratum's rows over the cells it enters
        (``enters``: cells x strata)."""
        bounds = np.r_[0, np.flatnonzero(np.diff(stratum)) + 1, len(stratum)]
        parts = []
        for lo, hi in pairwise(bounds):
            columns = np.flatnonzero(enters[:, stratum[lo]])
            parts.append((int(lo), int(hi), columns, np.zeros((hi - lo, len(columns)), order="F")))
        return cls((len(stratum), len(enters)), parts)

    def put(self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray) -> None:
        """self[rows x columns] = values (rows sorted; within blocks that hold the columns)."""
        for lo, hi, held, block in self.parts:
            a, b = np.searchsorted(rows, (lo, hi))
            if a < b:
                _put_rows(block, rows[a:b] - lo, np.searchsorted(held, columns), values[a:b])

    def dense(self) -> np.ndarray:
        out = np.zeros(self.shape, order="F")
        for lo, hi, columns, values in self.parts:
            out[lo:hi, columns] = values
        return out

    def column_squares(self) -> np.ndarray:
        out = np.zeros(self.shape[1])
        for _, _, columns, values in self.parts:
            out[columns] += np.einsum("ij,ij->j", values, values)
        return out


def _put_rows(target: np.ndarray, rows: np.ndarray, columns: np.ndarray, block: np.ndarray) -> None:
    """target[rows x columns] = block, by runs of consecutive rows when there are few (a
    stratum's units are contiguous, so a balanced panel's cells have two or three)."""
    runs = np.flatnonzero(np.diff(rows) != 1) + 1
    if len(runs) > 64:
        target[np.ix_(rows, columns)] = block
        return
    for lo, hi in zip(np.r_[0, runs], np.r_[runs, len(rows)], strict=True):
        target[rows[lo] : rows[hi - 1] + 1, columns] = block[lo:hi]


def did_panel(
    change: np.ndarray, d: np.ndarray, x: np.ndarray, w: np.ndarray, method: str, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """2x2 panel DiDs with covariates x (first column the intercept), as DRDID's
    ``drdid_panel`` (dr), ``std_ipw_did_panel`` (ipw) and ``reg_did_panel`` (reg) compute it,
    one per column of ``change`` (units x cells), all over the same units and covariates.
    Return (ATT per cell, influence functions units x cells, did's scale)."""
    n = len(change)
    w = w / w.mean()
    untreated = 1.0 - d
    ps, hessian, xpx_inv = _design(x, d, w, untreated, method, where)
    # Every influence function below is residual * (a per-unit factor) plus a product of a
    # few per-unit columns with a few per-cell rows: built that way, a batch of cells costs
    # two units x cells arrays, not one per term.
    residual = change
    if method in ("dr", "reg"):
        wols = w * untreated
        beta = xpx_inv @ ((wols[:, None] * x).T @ change) / n
        residual = change - x @ beta

        def lin_ols(v: np.ndarray) -> np.ndarray:
            # did's OLS influence (wols * residual * x) @ xpx_inv @ v, divided by the residual
            return cast(np.ndarray, wols * (x @ (xpx_inv @ v)))

    if method == "reg":
        w_t = w * d
        mean_t = w_t.mean()
        att = (w_t @ residual) / n / mean_t  # eta_t - eta_c: the trained units' mean residual
        factor = (w_t - lin_ols((w_t[:, None] * x).mean(axis=0))) / mean_t
        influence = residual * factor[:, None]
        influence -= np.outer(w_t / mean_t, att)
        return att, influence
    trim = np.where(d == 1, ps < 1.01, ps < 0.995).astype(float)
    lin_ps = ((w * (d - ps))[:, None] * x) @ hessian
    w_t = trim * w * d
    w_c = trim * w * ps * untreated / (1 - ps)
    mean_t, mean_c = w_t.mean(), w_c.mean()
    sums = np.column_stack([w_t, w_c, w_c[:, None] * x]).T @ residual / n
    eta_t, eta_c = sums[0] / mean_t, sums[1] / mean_c
    m2 = sums[2:] - np.outer(x.T @ w_c / n, eta_c)  # (w_c * (residual - eta_c) * x).mean(0)
    factor = w_t / mean_t - w_c / mean_c
    if method == "dr":
        factor -= lin_ols((w_t[:, None] * x).mean(axis=0)) / mean_t
        factor += lin_ols((w_c[:, None] * x).mean(axis=0)) / mean_c
    influence = residual * factor[:, None]
    columns = np.column_stack([-w_t / mean_t, w_c / mean_c, -lin_ps / mean_c])
    influence += columns @ np.vstack([eta_t, eta_c, m2])
    return eta_t - eta_c, influence


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

    psi: Blocks
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
        weights = sparse.csr_matrix(functional.weights)
        psi = np.zeros((self.psi.shape[0], weights.shape[1]))
        for lo, hi, columns, values in self.psi.parts:
            psi[lo:hi] += (weights[columns].T @ values.T).T  # values.T: C-contiguous
        # A stratum's units are contiguous rows: add its term run by run, without a units x J
        # copy of it.
        stratum, weight = self.units.stratum, self.units.weight
        bounds = np.r_[0, np.flatnonzero(np.diff(stratum)) + 1, len(stratum)]
        for lo, hi in pairwise(bounds):
            psi[lo:hi] += weight[lo:hi, None] * functional.extra[stratum[lo]]
        return psi if self.units.cluster is None else _cluster_sums(psi, self.units.cluster)

    def covariance(self, functional: Functional) -> np.ndarray:
        psi = self.aggregate(functional)
        return cast(np.ndarray, psi.T @ psi)

    def variance(self, functional: Functional) -> np.ndarray:
        """The covariance's diagonal, without the off-diagonal products."""
        psi = self.aggregate(functional)
        return cast(np.ndarray, np.einsum("ij,ij->j", psi, psi))

    def cell_covariance(self, idx: np.ndarray) -> np.ndarray:
        if self.units.cluster is not None:
            psi = _cluster_sums(self.psi.dense()[:, idx], self.units.cluster)
            return cast(np.ndarray, psi.T @ psi)
        # Sum the products block by block, over the cells each block holds.
        out = np.zeros((len(idx), len(idx)))
        for _, _, columns, values in self.psi.parts:
            _, at_idx, at_block = np.intersect1d(
                idx, columns, assume_unique=True, return_indices=True
            )
            if np.array_equal(idx, columns):
                out += values.T @ values
            elif len(at_idx):
                psi = values[:, at_block]
                out[np.ix_(at_idx, at_idx)] += psi.T @ psi
        return out

    def draws(self, functional: Functional, draws: int, seed: int | None, kind: str) -> np.ndarray:
        rng = np.random.default_rng(seed)
        multipliers = _rademacher if kind == "rademacher" else _mammen
        psi = self.aggregate(functional)
        out = np.empty((draws, psi.shape[1]))
        for lo in range(0, draws, _DRAW_BLOCK):
            hi = min(lo + _DRAW_BLOCK, draws)
            out[lo:hi] = multipliers(rng, hi - lo, len(psi)) @ psi
        return out
