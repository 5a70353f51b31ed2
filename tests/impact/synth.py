"""Synthetic staggered panels with known effects, and a brute-force reference estimator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def make_panel(
    *,
    n_units: int = 600,
    n_periods: int = 12,
    cohorts: tuple[int, ...] = (4, 6, 8),
    never_share: float = 0.4,
    effect: Callable[[np.ndarray], np.ndarray] | None = None,
    shock: Callable[[np.ndarray], np.ndarray] | None = None,
    pretrend: float = 0.0,
    coached_multiplier: float = 1.0,
    noise: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Long panel: unit/week/y/cohort/coached. ``effect(e)`` is added for e = week - cohort
    >= 0 (times ``coached_multiplier`` for coached reps); ``shock(week)`` hits every unit;
    ``pretrend`` adds a slope in weeks to the trained units only (violating parallel trends).
    """
    rng = np.random.default_rng(seed)
    trained = rng.random(n_units) >= never_share
    unit_cohort = np.where(trained, rng.choice(cohorts, size=n_units), 0)
    coached = rng.random(n_units) < 0.5
    weeks = np.arange(1, n_periods + 1)
    unit = np.repeat(np.arange(n_units), n_periods)
    week = np.tile(weeks, n_units)
    cohort = np.repeat(unit_cohort, n_periods)
    coach = np.repeat(coached, n_periods)
    y = np.repeat(rng.normal(10, 3, n_units), n_periods) + 0.3 * week
    y += rng.normal(0, noise, len(y))
    if effect is not None:
        gain = np.where(cohort > 0, effect(week - cohort), 0.0) * (week >= cohort)
        y += gain * np.where(coach, coached_multiplier, 1.0)
    if shock is not None:
        y += shock(week)
    y += pretrend * week * (cohort > 0)
    return pd.DataFrame({"unit": unit, "week": week, "y": y, "cohort": cohort, "coached": coach})


def brute_force_cell(
    df: pd.DataFrame, g: float, t: float, base: float, control: str = "never"
) -> tuple[float, np.ndarray, np.ndarray]:
    """ATT(g, t) with explicit per-unit influence functions (did's IF / n), as a dict-free
    reference: returns (att, unit ids, psi)."""
    wide = df.pivot(index="unit", columns="week", values="y")
    cohort = df.groupby("unit")["cohort"].first().reindex(wide.index)
    change = wide[t] - wide[base]
    treated = (cohort == g) & change.notna()
    if control == "never":
        comparison = (cohort == 0) & change.notna()
    else:
        comparison = ((cohort == 0) | ((cohort > max(t, base)) & (cohort != g))) & change.notna()
    mu1, mu0 = change[treated].mean(), change[comparison].mean()
    psi = pd.Series(0.0, index=wide.index)
    psi[treated] = (change[treated] - mu1) / treated.sum()
    psi[comparison] = -(change[comparison] - mu0) / comparison.sum()
    return mu1 - mu0, wide.index.to_numpy(), psi.to_numpy()
