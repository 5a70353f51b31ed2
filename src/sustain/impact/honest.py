"""Sensitivity to violations of parallel trends: HonestDiD (Rambachan & Roth 2023).

Given the event-study estimates (universal base period: every coefficient is measured from
the reference period) and their covariance, the robust confidence interval for one
post-training effect, or for the average post-training effect, assuming the post-training
violation of parallel trends ``delta`` lies in a restricted set:

- ``rm``, relative magnitudes ``Delta^RM(Mbar)``: every post-training change of ``delta`` from
  one period to the next is at most ``Mbar`` times the largest pre-training change. HonestDiD
  writes the set as a union of polyhedra, one per choice of the largest pre-training change
  and its sign; the confidence set is the union of the sets for each polyhedron, each from
  the conditional / least-favorable hybrid moment-inequality test of Andrews, Roth & Pakes
  ("C-LF", HonestDiD's default for relative magnitudes), inverted over the parameter.
- ``smooth``, smoothness ``Delta^SD(M)``: the slope of ``delta`` changes by at most ``M`` from
  one period to the next (M = 0: a linear trend). The interval is HonestDiD's default for it,
  the fixed-length confidence interval (FLCI) of Armstrong & Kolesar: the affine estimator
  whose worst-case-bias-aware interval is shortest.

The breakdown value is the largest Mbar (or M) at which the robust interval still excludes 0.

Linear programs: the test of each polyhedron needs the vertices of one small dual polytope
(``{lambda >= 0, W' lambda = e1}``); they are enumerated once per polyhedron, so every test
statistic, every conditioning bound and the 1,000 least-favorable simulation draws are
matrix products. ``scipy.optimize.linprog`` solves the identified-set programs that set the
search range, and the smoothness FLCI's bias program.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from typing import Any, cast

import numpy as np

from sustain.impact.errors import ImpactInputError

KINDS = ("rm", "smooth")
DEFAULT_MBAR = {"rm": (0.0, 0.5, 1.0, 1.5, 2.0)}  # smooth: from the pre-training slopes
LF_DRAWS = 1000  # least-favorable critical value: simulation draws (HonestDiD's 1000)
LF_SEED = 0  # ... and its seed, so that results are reproducible (HonestDiD's 0)
MAX_VERTEX_SUBSETS = 200_000  # beyond this the dual polytope is too big to enumerate
GRID_POINTS = 100  # first pass of the test inversion, then bisection at both ends


class SensitivityError(ImpactInputError):
    """The sensitivity analysis cannot be run as asked (the estimates themselves are fine)."""


@dataclass(frozen=True)
class SensitivityRow:
    """The robust (1 - alpha) interval at one bound (Mbar for rm, M for smooth); NaN = empty."""

    mbar: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Sensitivity:
    """HonestDiD sensitivity of one effect (``e``: an event time, or "avg" for the average
    post-training effect). ``original`` is the usual interval, assuming parallel trends hold
    exactly. ``breakdown_mbar``: the largest bound at which the robust interval still excludes
    0; None when even the smallest bound (0) does not."""

    type: str
    e: float | str
    rows: tuple[SensitivityRow, ...]
    original: tuple[float, float]
    breakdown_mbar: float | None
    method: str = ""

    def to_dict(self) -> dict[str, Any]:
        from sustain.impact.results import _clean_record

        return _clean_record(
            {
                "type": self.type,
                "e": self.e,
                "rows": [asdict(r) for r in self.rows],
                "original": {"ci_low": self.original[0], "ci_high": self.original[1]},
                "breakdown_mbar": self.breakdown_mbar,
                "method": self.method,
            }
        )


def check_request(
    kind: str | None, e: Any, mbar: Any
) -> tuple[str, float | str, tuple[float, ...]]:
    """Validate the user's choice before any estimation: (kind, e, bounds)."""
    if kind not in KINDS:
        raise SensitivityError(f"sensitivity must be 'rm' or 'smooth', got {kind!r}")
    if e is None:
        e = 0.0
    elif isinstance(e, str) and e.strip().lower() == "avg":
        e = "avg"
    else:
        try:
            e = float(e)
        except (TypeError, ValueError):
            raise SensitivityError(
                f"sensitivity_e must be an event time (a number) or 'avg', got {e!r}"
            ) from None
        if not np.isfinite(e):
            raise SensitivityError(f"sensitivity_e must be a finite event time, got {e!r}")
    if mbar is None:
        bounds: tuple[float, ...] = DEFAULT_MBAR.get(kind, ())
    else:
        if isinstance(mbar, str):
            mbar = [m for m in mbar.split(",") if m.strip()]
        values = []
        for m in mbar:
            try:
                value = float(m)
            except (TypeError, ValueError):
                raise SensitivityError(f"mbar values must be numbers, got {m!r}") from None
            if not np.isfinite(value) or value < 0:
                raise SensitivityError(f"mbar values must be finite and >= 0, got {m!r}")
            values.append(value)
        if not values:
            raise SensitivityError("mbar: give at least one value")
        bounds = tuple(sorted(set(values)))
    return kind, e, bounds


def sensitivity(
    betahat: np.ndarray,
    sigma: np.ndarray,
    event_times: np.ndarray,
    *,
    reference: float,
    kind: str,
    e: float | str,
    bounds: tuple[float, ...],
    alpha: float = 0.05,
) -> Sensitivity:
    """HonestDiD for the event study ``betahat`` (event times ``event_times``, the reference
    period already left out) with covariance ``sigma``."""
    betahat = np.asarray(betahat, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    times = np.asarray(event_times, dtype=float)
    pre, post = times[times < reference], times[times > reference]
    if not len(pre):
        raise SensitivityError(
            "sensitivity needs at least one pre-training event time besides the reference period"
        )
    if not len(post):
        raise SensitivityError("sensitivity needs at least one post-training event time")
    for name, part in (("pre", pre), ("post", post)):
        if len(part) > 1 and not np.allclose(np.diff(part), 1):
            raise SensitivityError(
                f"sensitivity needs consecutive {name}-training event times, got {part.tolist()}"
            )
    if not np.all(np.isfinite(betahat)) or not np.all(np.isfinite(sigma)):
        raise SensitivityError(
            "sensitivity needs a finite estimate and standard error at every event time "
            "(narrow the event window with min_e/max_e)"
        )
    n_pre, n_post = len(pre), len(post)
    if e == "avg":
        l_vec = np.full(n_post, 1 / n_post)
    else:
        hits = np.flatnonzero(np.isclose(post, float(e)))
        if not len(hits):
            raise SensitivityError(
                f"sensitivity_e {e:g} is not a post-training event time of the event study; "
                f"choose one of {[f'{p:g}' for p in post]} or 'avg'"
            )
        l_vec = np.zeros(n_post)
        l_vec[hits[0]] = 1.0
    from scipy.special import ndtri

    z = float(ndtri(1 - alpha / 2))
    point = float(l_vec @ betahat[n_pre:])
    sd = float(np.sqrt(l_vec @ sigma[n_pre:, n_pre:] @ l_vec))
    original = (point - z * sd, point + z * sd)
    if kind == "rm":
        problem: _Problem = _RelativeMagnitudes(betahat, sigma, n_pre, n_post, l_vec, alpha)
        method = "C-LF"
    else:
        problem = _Smoothness(betahat, sigma, n_pre, n_post, l_vec, alpha)
        method = "FLCI"
    rows = tuple(
        SensitivityRow(b, *problem.interval(b)) for b in bounds or problem.default_bounds()
    )
    return Sensitivity(
        type=kind,
        e=e if e == "avg" else float(e),
        rows=rows,
        original=original,
        breakdown_mbar=problem.breakdown(),
        method=method,
    )


class _Problem(ABC):
    """One sensitivity question: the event-study estimates and their covariance, the
    pre- and post-period counts, the weights of the target effect, and the level."""

    def __init__(
        self,
        betahat: np.ndarray,
        sigma: np.ndarray,
        n_pre: int,
        n_post: int,
        l_vec: np.ndarray,
        alpha: float,
    ) -> None:
        self.betahat, self.sigma = betahat, sigma
        self.n_pre, self.n_post, self.l_vec, self.alpha = n_pre, n_post, l_vec, alpha
        self._prepare()

    @abstractmethod
    def _prepare(self) -> None:
        """What a restriction precomputes from the estimates."""

    @abstractmethod
    def interval(self, bound: float) -> tuple[float, float]: ...

    @abstractmethod
    def excludes_zero(self, bound: float) -> bool: ...

    def scale(self) -> float:
        """A typical size of the bound, where the breakdown search starts."""
        return 1.0

    def default_bounds(self) -> tuple[float, ...]:
        return DEFAULT_MBAR["rm"]

    def breakdown(self, tol: float = 1e-5) -> float | None:
        """The largest bound whose interval excludes 0, by bisection (None if 0 does not)."""
        if not self.excludes_zero(0.0):
            return None
        low, high = 0.0, self.scale()
        while self.excludes_zero(high):
            low, high = high, 2 * high
            if high > 1e6 * self.scale():
                return low  # robust to any bound worth asking about: the largest tried
        while high - low > tol * high:
            mid = (low + high) / 2
            if self.excludes_zero(mid):
                low = mid
            else:
                high = mid
        return low


# --- relative magnitudes: the ARP conditional / least-favorable hybrid test -----------------


def _truncated_normal_quantile(p: float, lower: float, upper: float) -> float:
    """The p-quantile of a standard normal truncated to [lower, upper], in log space so that
    far tails stay accurate."""
    from scipy.special import log_ndtr, ndtri_exp

    if lower >= upper:
        return lower
    if lower >= 0:  # right tail: work with survival functions
        log_a, log_b = log_ndtr(-lower), log_ndtr(-upper)
        log_q = log_a + np.log1p(p * np.expm1(log_b - log_a))
        value = -float(ndtri_exp(log_q))
    else:
        log_a, log_b = log_ndtr(lower), log_ndtr(upper)
        log_q = log_b + np.log1p((1 - p) * np.expm1(log_a - log_b))
        value = float(ndtri_exp(log_q))
    return min(max(value, lower), upper)


def _dual_vertices(w: np.ndarray) -> np.ndarray:
    """Vertices of {lambda >= 0 : W' lambda = e1}, one per row of the result."""
    m = w.shape[0]
    # Columns scaled to a largest entry of 1 (the KPI's units must not decide what is
    # singular): W' lambda = e1 becomes W_n' lambda = e1 / scale of the first column.
    scales = np.abs(w).max(axis=0)
    scales[scales == 0] = 1.0
    w = w / scales
    # Keep independent columns (the first, sd, always): the same polytope, fewer equations.
    keep = [0]
    for j in range(1, w.shape[1]):
        if np.linalg.matrix_rank(w[:, [*keep, j]], tol=1e-10) > len(keep):
            keep.append(j)
    w = w[:, keep]
    r = len(keep)
    from math import comb

    if comb(m, r) > MAX_VERTEX_SUBSETS:
        raise SensitivityError(
            f"sensitivity: the event study has too many post-training event times for the "
            f"relative-magnitudes test ({m} moments); narrow the window with max_e"
        )
    subsets = np.array(list(itertools.combinations(range(m), r)), dtype=int).reshape(-1, r)
    blocks = np.transpose(w[subsets], (0, 2, 1))  # each: W_B', r x r
    # Basic solutions of W_B' lambda_B = e1 for every nonsingular block at once.
    ok = np.abs(np.linalg.det(blocks)) > 1e-12
    rhs = np.zeros((int(ok.sum()), r, 1))
    rhs[:, 0, 0] = 1.0 / scales[0]
    solved = np.linalg.solve(blocks[ok], rhs)[:, :, 0]
    feasible = solved.min(axis=1) >= -1e-10 * np.abs(solved).max(axis=1)
    if not feasible.any():
        return np.zeros((0, m))
    found = np.zeros((int(feasible.sum()), m))
    rows = np.repeat(np.arange(len(found)), r)
    found[rows, subsets[ok][feasible].reshape(-1)] = np.maximum(solved[feasible], 0.0).reshape(-1)
    # The same vertex from several bases (degenerate ones): keep one of each.
    key = np.round(found * scales[0], 10)
    return found[np.unique(key, axis=0, return_index=True)[1]]


@dataclass
class _Polyhedron:
    """One polyhedron of Delta^RM (largest pre-training change at one period, one sign), as
    moment inequalities E[y(theta) - X eta] <= 0 with the nuisance eta."""

    y0: np.ndarray
    a1: np.ndarray
    sigma_y: np.ndarray
    vertices: np.ndarray
    lf_cv: float

    def accepts(self, theta: float, alpha: float, kappa: float) -> bool:
        if not len(self.vertices):
            return True  # no dual vertex: the statistic is unbounded below, never rejects
        y = self.y0 - theta * self.a1
        values = self.vertices @ y
        best = int(np.argmax(values))
        eta = float(values[best])
        if eta > self.lf_cv:  # first stage of the hybrid: reject outright
            return False
        gamma = self.vertices[best]
        var = float(gamma @ self.sigma_y @ gamma)
        if abs(var) < np.finfo(float).eps:
            return not eta > 0
        if eta <= 0:
            return True
        sd = np.sqrt(var)
        b = self.sigma_y @ gamma / var
        s = y - b * float(gamma @ y)
        slope, level = self.vertices @ b, self.vertices @ s
        below, above = slope < 1 - 1e-10, slope > 1 + 1e-10
        vlo = np.max(level[below] / (1 - slope[below])) if below.any() else -np.inf
        vup = np.min(level[above] / (1 - slope[above])) if above.any() else np.inf
        zlo, zup, stat = vlo / sd, min(vup, self.lf_cv) / sd, eta / sd
        if not zlo <= stat <= zup:
            return True
        size = (alpha - kappa) / (1 - kappa)
        critical = max(0.0, _truncated_normal_quantile(1 - size, zlo, zup))
        return not stat > critical


class _RelativeMagnitudes(_Problem):
    def _prepare(self) -> None:
        self.kappa = self.alpha / 10
        self._cache: dict[float, list[_Polyhedron]] = {}

    def _polyhedra(self, mbar: float) -> list[_Polyhedron]:
        if mbar not in self._cache:
            self._cache[mbar] = [
                self._polyhedron(mbar, j, sign) for j in range(self.n_pre) for sign in (1.0, -1.0)
            ]
        return self._cache[mbar]

    def _constraints(self, mbar: float, j: int, sign: float) -> np.ndarray:
        """A with A delta <= 0 for the polyhedron where pre-training change j (the change
        into pre-period j + 1; the last ends at the reference period) is the largest, with
        ``sign``; columns are the event times without the reference period."""
        n_pre, n_post = self.n_pre, self.n_post
        size = n_pre + n_post + 1  # with the reference period, at index n_pre
        changes = np.zeros((n_pre + n_post, size))
        for r in range(n_pre + n_post):
            changes[r, r], changes[r, r + 1] = -1.0, 1.0
        largest = sign * changes[j]
        scale = np.r_[np.ones(n_pre), np.full(n_post, mbar)][:, None]
        a = np.vstack([changes - scale * largest, -changes - scale * largest])
        a = a[~np.all(np.abs(a) <= 1e-10, axis=1)]
        return np.delete(a, n_pre, axis=1)

    def _polyhedron(self, mbar: float, j: int, sign: float) -> _Polyhedron:
        n_pre = self.n_pre
        a = self._constraints(mbar, j, sign)
        a = a[np.any(a[:, n_pre:] != 0, axis=1)]  # only moments that involve the post periods
        sigma_y = a @ self.sigma @ a.T
        # Reparametrize tau_post = Gamma^-1 (theta, nuisance): Gamma's first row is l.
        drop = int(np.argmax(np.abs(self.l_vec)))
        gamma = np.zeros((self.n_post, self.n_post))
        gamma[0] = self.l_vec
        others = [i for i in range(self.n_post) if i != drop]
        for row, i in enumerate(others, start=1):
            gamma[row, i] = 1.0
        transformed = a[:, n_pre:] @ np.linalg.inv(gamma)
        sd = np.sqrt(np.diag(sigma_y))
        w = np.column_stack([sd, transformed[:, 1:]])
        vertices = _dual_vertices(w)
        rng = np.random.default_rng(LF_SEED)
        draws = rng.multivariate_normal(np.zeros(len(a)), sigma_y, size=LF_DRAWS)
        if len(vertices):
            lf_cv = float(np.quantile((draws @ vertices.T).max(axis=1), 1 - self.kappa))
        else:
            lf_cv = np.inf
        return _Polyhedron(
            y0=a @ self.betahat,
            a1=transformed[:, 0],
            sigma_y=sigma_y,
            vertices=vertices,
            lf_cv=lf_cv,
        )

    def accepts(self, theta: float, mbar: float) -> bool:
        return any(p.accepts(theta, self.alpha, self.kappa) for p in self._polyhedra(mbar))

    def _search_range(self, mbar: float) -> tuple[float, float]:
        """Around the identified set at betahat, wide enough for sampling error."""
        n_pre, n_post, l_vec = self.n_pre, self.n_post, self.l_vec
        pre = self.betahat[:n_pre]
        diffs = np.diff(np.r_[pre, 0.0])
        d = np.diff(np.eye(n_pre + 1)[:, :n_pre], axis=0)
        largest_sd = float(np.sqrt(np.diag(d @ self.sigma[:n_pre, :n_pre] @ d.T)).max())
        sd_theta = float(np.sqrt(l_vec @ self.sigma[n_pre:, n_pre:] @ l_vec))
        reach = mbar * float(np.arange(1, n_post + 1) @ np.abs(l_vec))
        half = reach * float(np.abs(diffs).max()) + max(20 * sd_theta, 6 * reach * largest_sd)
        center = float(l_vec @ self.betahat[n_pre:])
        return center - half, center + half

    def interval(self, mbar: float) -> tuple[float, float]:
        lo, hi = self._search_range(mbar)
        for _ in range(8):
            grid = np.linspace(lo, hi, GRID_POINTS)
            accepted = np.flatnonzero([self.accepts(t, mbar) for t in grid])
            if not len(accepted):
                return float("nan"), float("nan")
            first, last = accepted[0], accepted[-1]
            if first > 0 and last < GRID_POINTS - 1:
                break
            width = hi - lo  # open at an end: widen the search
            lo, hi = (lo - width, hi) if first == 0 else (lo, hi)
            lo, hi = (lo, hi + width) if last == GRID_POINTS - 1 else (lo, hi)
        else:
            return (
                -np.inf if first == 0 else float(grid[first]),
                np.inf if last == GRID_POINTS - 1 else float(grid[last]),
            )
        tol = 1e-7 * (hi - lo)
        return (
            self._edge(grid[first - 1], grid[first], mbar, tol),
            self._edge(grid[last + 1], grid[last], mbar, tol),
        )

    def _edge(self, rejected: float, accepted: float, mbar: float, tol: float) -> float:
        while abs(accepted - rejected) > tol:
            mid = (accepted + rejected) / 2
            if self.accepts(mid, mbar):
                accepted = mid
            else:
                rejected = mid
        return float(accepted)

    def excludes_zero(self, bound: float) -> bool:
        return not self.accepts(0.0, bound)


# --- smoothness: the fixed-length confidence interval ---------------------------------------


class _Smoothness(_Problem):
    """Affine estimators l_post' beta_post + l_pre' beta_pre, written with pre-period weights
    w (l_pre = first differences of w, sum(w) fixed so the estimator is unbiased for linear
    trends); the worst-case bias over Delta^SD(M) is M * (c + sum |cumsum(w)|)."""

    def _prepare(self) -> None:
        sigma, n_pre, n_post, l_vec = self.sigma, self.n_pre, self.n_post, self.l_vec
        steps = np.arange(1, n_post + 1)
        self.total = float(steps @ l_vec)  # sum(w): unbiased under a linear trend
        self.bias_constant = (
            sum(abs(float(steps[:s] @ l_vec[n_post - s :])) for s in range(1, n_post + 1))
            - self.total
        )
        # l_pre = D w; the estimator's variance is a quadratic in w.
        d = np.eye(n_pre) - np.eye(n_pre, k=-1)
        s_pre, s_cross = sigma[:n_pre, :n_pre], sigma[:n_pre, n_pre:]
        self.quad = d.T @ s_pre @ d
        self.lin = 2 * d.T @ s_cross @ l_vec
        self.const = float(l_vec @ sigma[n_pre:, n_pre:] @ l_vec)
        self.diff = d
        self._min_variance = self._solve_min_variance()

    def _variance(self, w: np.ndarray) -> float:
        return float(w @ self.quad @ w + self.lin @ w + self.const)

    def _bias(self, w: np.ndarray) -> float:
        return self.bias_constant + float(np.abs(np.cumsum(w)).sum())

    def _solve_min_variance(self) -> np.ndarray:
        """min var(w) s.t. sum(w) = total: a linear KKT system."""
        n = self.n_pre
        kkt = np.zeros((n + 1, n + 1))
        kkt[:n, :n] = 2 * self.quad
        kkt[:n, n] = kkt[n, :n] = 1.0
        rhs = np.r_[-self.lin, self.total]
        return np.linalg.lstsq(kkt, rhs, rcond=None)[0][:n]

    def _min_bias_at(self, h: float) -> tuple[float, np.ndarray] | None:
        """min bias(w) s.t. sd(w) <= h, sum(w) = total (a convex program; SLSQP on the
        linearized absolute values)."""
        from scipy.optimize import minimize

        n = self.n_pre
        lower = np.tril(np.ones((n, n)))
        start_w = self._feasible_start(h)
        start = np.r_[np.abs(lower @ start_w) + 1e-12, start_w]
        constraints: Any = [  # scipy.optimize constraint dicts
            {
                "type": "ineq",
                "fun": lambda x: x[:n] - lower @ x[n:],
                "jac": lambda x: np.hstack([np.eye(n), -lower]),
            },
            {
                "type": "ineq",
                "fun": lambda x: x[:n] + lower @ x[n:],
                "jac": lambda x: np.hstack([np.eye(n), lower]),
            },
            {
                "type": "eq",
                "fun": lambda x: x[n:].sum() - self.total,
                "jac": lambda x: np.r_[np.zeros(n), np.ones(n)][None, :],
            },
            {
                "type": "ineq",
                "fun": lambda x: (h * h - self._variance(x[n:])) / (h * h),
                "jac": lambda x: (
                    np.r_[np.zeros(n), -(2 * self.quad @ x[n:] + self.lin)][None, :] / (h * h)
                ),
            },
        ]
        solve: Any = minimize  # scipy's overloads do not take these constraint dicts
        result = solve(
            lambda x: x[:n].sum(),
            start,
            jac=lambda x: np.r_[np.ones(n), np.zeros(n)],
            constraints=constraints,
            method="SLSQP",
            options={"ftol": 1e-13, "maxiter": 500},
        )
        w = result.x[n:]
        # SLSQP may stop short of its own tolerance; a feasible answer is still an estimator.
        if not (self._variance(w) <= h * h * (1 + 1e-8) and abs(w.sum() - self.total) < 1e-8):
            w = start_w
        return self._bias(w), w

    def _feasible_start(self, h: float) -> np.ndarray:
        """The point nearest the minimum-bias weights on the segment from the minimum-variance
        ones that has sd <= h (the variance is convex along it)."""
        w_var, w_bias = self._min_variance, self._min_bias_weights()
        low, high = 0.0, 1.0
        if self._variance(w_bias) <= h * h:
            return w_bias
        for _ in range(60):
            mid = (low + high) / 2
            if self._variance(w_var + mid * (w_bias - w_var)) <= h * h:
                low = mid
            else:
                high = mid
        return cast(np.ndarray, w_var + low * (w_bias - w_var))

    def _min_bias_weights(self) -> np.ndarray:
        w = np.zeros(self.n_pre)
        w[-1] = self.total
        return w

    def _half_length(self, m: float, w: np.ndarray) -> float:
        sd: np.float64 = np.sqrt(max(self._variance(w), 0.0))
        return _folded_normal_quantile(1 - self.alpha, m * self._bias(w) / sd) * sd

    def _optimal(self, m: float) -> tuple[float, float]:
        """(point estimate, half-length) of the FLCI at smoothness bound m."""
        from scipy.optimize import minimize_scalar

        w_var = self._min_variance
        best_w, best = w_var, self._half_length(m, w_var)
        w_bias = self._min_bias_weights()
        if m > 0:
            h_low = np.sqrt(max(self._variance(w_var), 0.0))
            h_high = np.sqrt(max(self._variance(w_bias), 0.0))
            if self._half_length(m, w_bias) < best:
                best_w, best = w_bias, self._half_length(m, w_bias)
            if h_high > h_low * (1 + 1e-9):

                def length(h: float) -> float:
                    solved = self._min_bias_at(h)
                    if solved is None:
                        return np.inf
                    return _folded_normal_quantile(1 - self.alpha, m * solved[0] / h) * h

                found = minimize_scalar(
                    length,
                    bounds=(h_low, h_high),
                    method="bounded",
                    options={"xatol": 1e-9 * h_high},
                )
                solved = self._min_bias_at(float(found.x))
                if solved is not None and self._half_length(m, solved[1]) < best:
                    best_w, best = solved[1], self._half_length(m, solved[1])
        l_pre = self.diff @ best_w
        point = float(l_pre @ self.betahat[: self.n_pre] + self.l_vec @ self.betahat[self.n_pre :])
        return point, best

    def scale(self) -> float:
        """The largest pre-training change of slope, allowing for sampling error: what the
        pre-training event study itself could have shown (HonestDiD's data-driven range)."""
        from scipy.special import ndtri

        n_pre = self.n_pre
        if n_pre < 2:
            return float(np.sqrt(self.sigma[0, 0]))
        # Second differences over the pre-periods and the reference period (delta = 0 there).
        levels = np.vstack([np.eye(n_pre), np.zeros(n_pre)])
        second = np.diff(levels, n=2, axis=0)
        values = second @ self.betahat[:n_pre]
        sds = np.sqrt(np.diag(second @ self.sigma[:n_pre, :n_pre] @ second.T))
        return float(np.max(np.abs(values) + ndtri(0.95) * sds))

    def default_bounds(self) -> tuple[float, ...]:
        return tuple(float(m) for m in np.linspace(0, self.scale(), 5))

    def interval(self, m: float) -> tuple[float, float]:
        point, half = self._optimal(m)
        return point - half, point + half

    def excludes_zero(self, bound: float) -> bool:
        low, high = self.interval(bound)
        return low > 0 or high < 0


def _folded_normal_quantile(p: float, mu: float) -> float:
    """The p-quantile of |N(mu, 1)|."""
    from scipy.optimize import brentq
    from scipy.special import ndtr, ndtri

    mu = abs(mu)
    if mu == 0:
        return float(ndtri((1 + p) / 2))

    def cdf(x: float) -> float:
        return float(ndtr(x - mu) - ndtr(-x - mu)) - p

    high = mu + 8.0
    while cdf(high) < 0:
        high *= 2
    return float(brentq(cdf, 0.0, high, xtol=1e-14))
