"""Known effects on synthetic panels are recovered; inference behaves."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from moderndid import aggte, att_gt

from sustain.impact import ImpactResult, estimate
from tests.impact.synth import brute_force_cell, make_panel


def ramp_then_decay(e: np.ndarray) -> np.ndarray:
    effect: np.ndarray = np.array([0.0, 2.0, 4.0, 3.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])[
        np.clip(e, 0, 11)
    ]
    return effect


def _fit(df: pd.DataFrame, **options: Any) -> ImpactResult:
    return estimate(df, unit="unit", time="week", outcome="y", cohort="cohort", **options)


def test_it_recovers_an_effect_that_ramps_up_then_decays() -> None:
    df = make_panel(
        n_units=3000, n_periods=14, cohorts=(4, 5, 6), effect=ramp_then_decay, noise=0.5
    )
    events = {int(e.e): e for e in _fit(df).event_study}
    for e in range(0, 7):
        assert events[e].att == pytest.approx(ramp_then_decay(np.array(e)), abs=0.1), e
        assert events[e].ci_low <= ramp_then_decay(np.array(e)) <= events[e].ci_high
    for e in (-3, -2, -1):
        assert abs(events[e].att) < 0.1


def test_it_reports_when_the_effect_faded() -> None:
    df = make_panel(
        n_units=3000, n_periods=14, cohorts=(4, 5, 6), effect=ramp_then_decay, noise=0.5
    )
    decay = _fit(df, period_days=7).decay
    assert decay is not None and decay.ever_significant
    assert decay.faded_at_period == 6
    assert decay.faded_at_days == 42


def test_it_does_not_credit_a_market_wide_shock_to_training() -> None:
    # Everyone's sales jump by 5 from week 6, when most reps were trained.
    df = make_panel(n_units=2000, cohorts=(6,), shock=lambda w: 5.0 * (w >= 6), noise=0.5)
    trained = df[df.cohort > 0]
    naive = trained[trained.week >= 6].y.mean() - trained[trained.week < 6].y.mean()
    assert naive > 5
    overall = _fit(df).overall
    assert abs(overall.att) < 0.1
    assert overall.ci_low <= 0 <= overall.ci_high


def test_it_recovers_a_heterogeneous_effect_by_coaching() -> None:
    df = make_panel(
        n_units=4000, effect=lambda e: np.full(e.shape, 2.0), coached_multiplier=2.0, noise=0.5
    )
    result = _fit(df, by="coached")
    by_value = {s.value: s.overall for s in result.subgroups}
    assert by_value["True"].att == pytest.approx(4.0, abs=0.1)
    assert by_value["False"].att == pytest.approx(2.0, abs=0.1)
    (difference,) = result.differences
    assert (difference.value, difference.reference) == ("True", "False")
    assert difference.att == pytest.approx(2.0, abs=0.1)
    assert difference.ci_low > 1.5


def test_it_includes_the_shared_comparison_group_in_the_difference_se() -> None:
    df = make_panel(
        n_units=800, effect=lambda e: np.full(e.shape, 1.0), coached_multiplier=2.0, seed=3
    )
    result = _fit(df, by="coached")
    a, b = (s.overall for s in result.subgroups)
    independent = np.hypot(a.se, b.se)
    # Both subgroups subtract the same comparison mean: treating them as independent
    # overstates the SE of the difference.
    assert result.differences[0].se < independent * 0.99
    boot = _fit(df, by="coached", bootstrap=999, seed=4).differences[0]
    assert boot.se == pytest.approx(result.differences[0].se, rel=0.12)


def test_it_rejects_parallel_trends_when_a_pretrend_is_injected() -> None:
    df = make_panel(n_units=1500, pretrend=0.3, noise=0.5, seed=1)
    pretrend = _fit(df).pretrend
    assert pretrend is not None and pretrend.p_value < 0.001


def test_it_does_not_reject_parallel_trends_without_a_pretrend() -> None:
    df = make_panel(n_units=1500, noise=0.5, seed=1)
    pretrend = _fit(df).pretrend
    assert pretrend is not None and pretrend.p_value > 0.05
    assert pretrend.df == 6  # event times -6..-1: the earliest cohort (8) has 6 placebo periods


def test_it_keeps_the_pretrend_test_honest_with_few_reps_and_many_weeks() -> None:
    # 80 reps, 52 weeks: testing all ~70 placebo cells at once would rest on a covariance
    # estimated from 80 clusters and reject parallel trends whatever the data.
    rejections = 0
    for seed in range(5):
        df = make_panel(n_units=80, n_periods=52, cohorts=(30, 42), noise=0.5, seed=seed)
        pretrend = _fit(df).pretrend
        assert pretrend is not None and pretrend.df == 8
        rejections += pretrend.p_value < 0.01
    assert rejections <= 1


def test_it_reproduces_the_bootstrap_with_a_seed() -> None:
    df = make_panel(n_units=500, seed=2, effect=lambda e: np.ones(e.shape))
    first, again = (_fit(df, bootstrap=199, seed=7) for _ in range(2))
    other = _fit(df, bootstrap=199, seed=8)
    assert first.to_dict() == again.to_dict()
    assert first.event_study != other.event_study
    assert first.band == "uniform"


def test_it_gives_bootstrap_ses_close_to_analytic_and_a_wider_uniform_band() -> None:
    df = make_panel(n_units=1500, seed=5, effect=lambda e: np.ones(e.shape))
    analytic, boot = _fit(df), _fit(df, bootstrap=999, seed=11)
    for a, b in zip(analytic.event_study, boot.event_study, strict=True):
        assert b.se == pytest.approx(a.se, rel=0.12)
    assert boot.overall.se == pytest.approx(analytic.overall.se, rel=0.12)
    assert boot.critical_value > analytic.critical_value


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("control", ["never", "notyet"])
def test_it_matches_moderndid_on_random_panels(seed: int, control: str) -> None:
    df = make_panel(
        n_units=150, n_periods=7, cohorts=(3, 4, 6), seed=seed, effect=lambda e: 0.5 * e
    )
    ours = _fit(df, control=control)
    ref = att_gt(
        df,
        yname="y",
        tname="week",
        idname="unit",
        gname="cohort",
        boot=False,
        control_group="nevertreated" if control == "never" else "notyettreated",
    )
    np.testing.assert_allclose([c.att for c in ours.att_gt], ref.att_gt, atol=1e-10)
    np.testing.assert_allclose([c.se for c in ours.att_gt], ref.se_gt, rtol=1e-8)
    dynamic = aggte(ref, type="dynamic", boot=False, cband=False)
    np.testing.assert_allclose([e.att for e in ours.event_study], dynamic.att_by_event, atol=1e-10)
    np.testing.assert_allclose([e.se for e in ours.event_study], dynamic.se_by_event, rtol=1e-8)


def test_it_uses_units_observed_in_both_periods_on_an_unbalanced_panel() -> None:
    df = make_panel(n_units=300, n_periods=8, cohorts=(4, 6), seed=9, effect=lambda e: 1.0 + e)
    rng = np.random.default_rng(0)
    df = df.drop(index=rng.choice(len(df), size=len(df) // 6, replace=False).tolist())
    df.loc[df.sample(frac=0.02, random_state=1).index, "y"] = np.nan  # missing outcomes
    result = _fit(df.reset_index(drop=True), control="notyet")
    assert result.notes
    clean = df.dropna(subset=["y"])
    for cell in result.att_gt:
        att, _, psi = brute_force_cell(clean, cell.group, cell.time, cell.base, "notyet")
        assert cell.att == pytest.approx(att, abs=1e-10)
        assert cell.se == pytest.approx(np.sqrt((psi**2).sum()), rel=1e-8)


def test_it_gives_the_brute_force_overall_se_on_an_unbalanced_panel() -> None:
    df = make_panel(n_units=200, n_periods=6, cohorts=(3, 5), seed=4, effect=lambda e: 1.0 + 0 * e)
    df = df.drop(index=np.random.default_rng(1).choice(len(df), size=100, replace=False).tolist())
    result = _fit(df)
    clean = df
    n = clean.unit.nunique()
    shares = clean.groupby("unit").cohort.first().value_counts() / n
    post = [c for c in result.att_gt if c.time >= c.group]
    total = sum(shares[c.group] for c in post)
    psi = 0
    cohort_of = clean.groupby("unit").cohort.first().sort_index().to_numpy()
    for c in post:
        _, _, cell_psi = brute_force_cell(clean, c.group, c.time, c.base)
        w = shares[c.group] / total
        psi = psi + w * cell_psi
    # did's correction for estimated group shares, unit-level, scaled by 1/n.
    theta = result.overall.att
    wif = (
        sum(((cohort_of == c.group) - shares[c.group]) * (c.att - theta) for c in post) / total / n
    )
    assert result.overall.se == pytest.approx(np.sqrt(((psi + wif) ** 2).sum()), rel=1e-8)


def test_it_gives_the_same_answer_on_both_paths_when_each_rep_is_its_own_cluster() -> None:
    # The general path (influence functions per rep, used for covariates, weights and
    # clusters) must agree with the fast per-cohort path, here on an unbalanced panel.
    df = make_panel(n_units=300, seed=5, effect=lambda e: np.full(e.shape, 1.0))
    df.loc[[3, 40, 41, 500], "y"] = np.nan
    df["own"] = df["unit"]
    fast, general = _fit(df, by="coached"), _fit(df, by="coached", cluster="own")
    np.testing.assert_allclose([c.se for c in general.att_gt], [c.se for c in fast.att_gt])
    np.testing.assert_allclose(
        [e.se for e in general.event_study], [e.se for e in fast.event_study]
    )
    assert general.overall.se == pytest.approx(fast.overall.se, rel=1e-10)
    assert general.differences[0].se == pytest.approx(fast.differences[0].se, rel=1e-10)
    assert general.pretrend_wald is not None and fast.pretrend_wald is not None
    assert general.pretrend_wald.stat == pytest.approx(fast.pretrend_wald.stat, rel=1e-8)
