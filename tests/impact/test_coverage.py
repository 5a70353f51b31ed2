"""Simulated coverage of the 95% intervals: with covariates, and with team-level shocks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sustain.impact import ImpactResult, estimate

REPS = 200  # bounded: each check takes a few seconds


def _covariate_panel(rng: np.random.Generator, n_units: int = 300) -> pd.DataFrame:
    # Tenure drives both who is trained early and how fast sales grow: parallel trends hold
    # only conditionally on tenure. The true effect is 1 in every post-training period.
    periods = 5
    tenure = rng.normal(0, 1, n_units)
    trained = rng.random(n_units) < 1 / (1 + np.exp(-tenure))
    cohort = np.where(trained, rng.choice([3, 4], n_units), 0)
    t = np.tile(np.arange(1, periods + 1), n_units)
    unit = np.repeat(np.arange(n_units), periods)
    g = np.repeat(cohort, periods)
    x = np.repeat(tenure, periods)
    y = np.repeat(rng.normal(0, 1, n_units), periods) + 0.5 * x * t + rng.normal(0, 1, len(t))
    y += 1.0 * ((g > 0) & (t >= g))
    return pd.DataFrame({"unit": unit, "t": t, "y": y, "g": g, "tenure": x})


def _team_panel(rng: np.random.Generator, teams: int = 40, size: int = 10) -> pd.DataFrame:
    # Whole teams are trained together and each team has its own shock every period.
    periods = 6
    team_cohort = rng.choice([0, 3, 4, 5], teams)
    team = np.repeat(np.arange(teams), size)
    n_units = teams * size
    unit = np.repeat(np.arange(n_units), periods)
    t = np.tile(np.arange(1, periods + 1), n_units)
    g = np.repeat(team_cohort[team], periods)
    shock = rng.normal(0, 1, (teams, periods))
    y = np.repeat(rng.normal(0, 1, n_units), periods) + rng.normal(0, 0.5, len(t))
    y += shock[np.repeat(team, periods), t - 1] + 2.0 * ((g > 0) & (t >= g))
    return pd.DataFrame({"unit": unit, "t": t, "y": y, "g": g, "team": np.repeat(team, periods)})


def _covers(result: ImpactResult, truth: float) -> bool:
    return result.overall.ci_low <= truth <= result.overall.ci_high


def _fit(df: pd.DataFrame, **options: Any) -> ImpactResult:
    return estimate(df, unit="unit", time="t", outcome="y", cohort="g", **options)


def test_it_covers_95_percent_with_a_covariate_that_drives_trends() -> None:
    rng = np.random.default_rng(11)
    with_x, without_x = 0, 0
    for _ in range(REPS):
        df = _covariate_panel(rng)
        with_x += _covers(_fit(df, covariates=["tenure"]), 1.0)
        without_x += _covers(_fit(df), 1.0)
    assert 0.91 <= with_x / REPS <= 0.99
    assert without_x / REPS < 0.5  # ignoring tenure is biased


def test_it_covers_95_percent_with_team_shocks_only_when_clustered_by_team() -> None:
    rng = np.random.default_rng(12)
    clustered, unclustered = 0, 0
    for _ in range(REPS):
        df = _team_panel(rng)
        clustered += _covers(_fit(df, cluster="team"), 2.0)
        unclustered += _covers(_fit(df), 2.0)
    assert 0.90 <= clustered / REPS <= 0.99
    assert unclustered / REPS < 0.75
