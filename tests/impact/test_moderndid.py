"""Design options and summaries against moderndid 0.4.1 (R did's port) on mpdta."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from moderndid import aggte, att_gt

from sustain.impact import ImpactResult, estimate

KW = dict(yname="lemp", tname="year", idname="countyreal", gname="first.treat", boot=False)


def _ref(mpdta: pd.DataFrame, **options: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return att_gt(mpdta, **KW, **options)


def _agg(ref: Any, kind: str, **options: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return aggte(ref, type=kind, boot=False, cband=False, **options)


def _fit(mpdta: pd.DataFrame, **options: Any) -> ImpactResult:
    return estimate(
        mpdta, unit="countyreal", time="year", outcome="lemp", cohort="first.treat", **options
    )


def _close(got: object, want: object, rtol: float = 1e-9) -> None:
    np.testing.assert_allclose(
        np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=rtol, atol=1e-12
    )


def _assert_matches(ours: ImpactResult, ref: Any, *, balance_e: float | None = None) -> None:
    _close([c.att for c in ours.att_gt], ref.att_gt)
    _close([c.se for c in ours.att_gt], ref.se_gt)
    dynamic = _agg(ref, "dynamic", balance_e=balance_e)
    assert ours.dynamic_overall and ours.group_overall and ours.calendar_overall
    _close([e.e for e in ours.event_study], dynamic.event_times)
    _close([e.att for e in ours.event_study], dynamic.att_by_event)
    _close([e.se for e in ours.event_study], dynamic.se_by_event)
    _close(
        [ours.dynamic_overall.att, ours.dynamic_overall.se],
        [dynamic.overall_att, dynamic.overall_se],
    )
    group = _agg(ref, "group")
    _close([g.att for g in ours.by_group], group.att_by_event)
    _close([g.se for g in ours.by_group], group.se_by_event)
    _close([ours.group_overall.att, ours.group_overall.se], [group.overall_att, group.overall_se])
    calendar = _agg(ref, "calendar")
    _close([c.att for c in ours.by_calendar], calendar.att_by_event)
    _close([c.se for c in ours.by_calendar], calendar.se_by_event)
    _close(
        [ours.calendar_overall.att, ours.calendar_overall.se],
        [calendar.overall_att, calendar.overall_se],
    )
    simple = _agg(ref, "simple")
    _close([ours.overall.att, ours.overall.se], [simple.overall_att, simple.overall_se])


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_it_matches_moderndid_summaries_and_wald_pretest(mpdta: pd.DataFrame, control: str) -> None:
    ref = _ref(mpdta, control_group="nevertreated" if control == "never" else "notyettreated")
    ours = _fit(mpdta, control=control)
    _assert_matches(ours, ref)
    assert ours.pretrend_wald is not None and ours.pretrend is not None
    assert ours.pretrend_wald.stat == pytest.approx(ref.wald_stat, rel=1e-9)
    assert ours.pretrend_wald.p_value == pytest.approx(ref.wald_pvalue, abs=1e-5)
    assert ours.pretrend_wald.df == 5 and "did" in ours.pretrend_wald.test
    assert "small-sample" in ours.pretrend.test


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_it_matches_moderndid_with_anticipation(mpdta: pd.DataFrame, control: str) -> None:
    ref = _ref(
        mpdta,
        anticipation=1,
        control_group="nevertreated" if control == "never" else "notyettreated",
    )
    ours = _fit(mpdta, anticipation=1, control=control)
    assert ours.n_units == ref.n_units == 480
    assert any("20 unit(s) left out" in note for note in ours.notes)
    _assert_matches(ours, ref)


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_it_matches_moderndid_with_the_universal_base_period(
    mpdta: pd.DataFrame, control: str
) -> None:
    ref = _ref(
        mpdta,
        base_period="universal",
        control_group="nevertreated" if control == "never" else "notyettreated",
    )
    ours = _fit(mpdta, base_period="universal", control=control)
    _close([c.att for c in ours.att_gt], ref.att_gt)
    _close([c.se for c in ours.att_gt], ref.se_gt)  # reference cells: NaN in both
    dynamic = _agg(ref, "dynamic")
    _close([e.att for e in ours.event_study], dynamic.att_by_event)
    _close([e.se for e in ours.event_study], dynamic.se_by_event)
    assert ours.to_dict()["event_study"][3]["se"] is None  # e = -1, the base itself
    assert ours.pretrend_wald is not None
    assert ours.pretrend_wald.stat == pytest.approx(ref.wald_stat, rel=1e-9)


def test_it_matches_moderndid_with_balance_e(mpdta: pd.DataFrame) -> None:
    ref = _ref(mpdta)
    ours = _fit(mpdta, balance_e=1)
    assert ours.dynamic_overall is not None
    dynamic = _agg(ref, "dynamic", balance_e=1)
    _close([e.e for e in ours.event_study], dynamic.event_times)
    _close([e.att for e in ours.event_study], dynamic.att_by_event)
    _close([e.se for e in ours.event_study], dynamic.se_by_event)
    _close(
        [ours.dynamic_overall.att, ours.dynamic_overall.se],
        [dynamic.overall_att, dynamic.overall_se],
    )


def test_it_keeps_exact_standard_errors_with_billion_sized_levels(mpdta: pd.DataFrame) -> None:
    # Unit levels ~1e9 with changes ~1: the old cross-products cancelled (SEs off or 0).
    rng = np.random.default_rng(7)
    units = mpdta["countyreal"].unique()
    level = dict(zip(units, rng.normal(0, 1e9, len(units)), strict=True))
    big = mpdta.assign(lemp=mpdta["countyreal"].map(level) + mpdta["lemp"] * 10)
    ref = _ref(big)
    ours = _fit(big)
    _close([c.att for c in ours.att_gt], ref.att_gt, rtol=1e-8)
    _close([c.se for c in ours.att_gt], ref.se_gt, rtol=1e-8)
    dynamic = _agg(ref, "dynamic")
    _close([e.se for e in ours.event_study], dynamic.se_by_event, rtol=1e-8)
    _close([ours.overall.se], [_agg(ref, "simple").overall_se], rtol=1e-8)


def test_it_draws_rademacher_multipliers_by_default(mpdta: pd.DataFrame) -> None:
    default = _fit(mpdta, bootstrap=499, seed=3)
    rademacher = _fit(mpdta, bootstrap=499, seed=3, bootstrap_weights="rademacher")
    mammen = _fit(mpdta, bootstrap=499, seed=3, bootstrap_weights="mammen")
    assert default.to_dict() == rademacher.to_dict()
    assert default.bootstrap_weights == "rademacher"
    assert mammen.overall.se != rademacher.overall.se
    assert mammen.overall.se == pytest.approx(rademacher.overall.se, rel=0.15)


def test_it_gives_uniform_bands_for_cohorts_and_calendar_periods(mpdta: pd.DataFrame) -> None:
    result = _fit(mpdta, bootstrap=999, seed=1)
    for rows in (result.by_group, result.by_calendar):
        critical = [(r.ci_high - r.att) / r.se for r in rows]
        assert np.allclose(critical, critical[0])
        assert critical[0] > 1.97  # wider than pointwise 95% intervals


@pytest.mark.parametrize("method", ["dr", "ipw", "reg"])
@pytest.mark.parametrize("control", ["never", "notyet"])
def test_it_matches_moderndid_with_a_covariate(
    mpdta: pd.DataFrame, method: str, control: str
) -> None:
    ref = _ref(
        mpdta,
        xformla="~lpop",
        est_method=method,
        control_group="nevertreated" if control == "never" else "notyettreated",
    )
    ours = _fit(mpdta, covariates=["lpop"], method=method, control=control)
    _assert_matches(ours, ref)
    assert ours.to_dict()["estimation"] == method


def test_it_uses_doubly_robust_by_default_with_covariates(mpdta: pd.DataFrame) -> None:
    default = _fit(mpdta, covariates=["lpop"])
    assert default.to_dict() == _fit(mpdta, covariates=["lpop"], method="dr").to_dict()
    assert default.overall.att != _fit(mpdta).overall.att


def test_it_matches_moderndid_with_sampling_weights(mpdta: pd.DataFrame) -> None:
    weighted = mpdta.assign(w=np.exp(mpdta["lpop"] / 3))
    ref = _ref(weighted, weightsname="w")
    ours = _fit(weighted, weights="w")
    _assert_matches(ours, ref)
    assert ours.overall.att != _fit(mpdta).overall.att


def test_it_clusters_influence_functions_as_summed_by_state(mpdta: pd.DataFrame) -> None:
    # Reference: moderndid's own unit influence functions, summed within each state.
    data = mpdta.assign(state=mpdta["countyreal"] // 1000)
    ref = _ref(data, xformla="~lpop")
    ours = _fit(data, covariates=["lpop"], cluster="state")
    # moderndid orders units by cohort (never-trained, as infinity, last), then by id.
    units = data.groupby("countyreal")["first.treat"].first().replace(0, np.inf)
    order = units.reset_index().sort_values(["first.treat", "countyreal"])["countyreal"]
    state = order.to_numpy() // 1000
    n = len(state)

    def clustered_se(influence: np.ndarray) -> np.ndarray:
        sums = pd.DataFrame(np.asarray(influence).reshape(n, -1) / n).groupby(state).sum()
        return np.sqrt((sums.to_numpy() ** 2).sum(axis=0))

    _close([c.se for c in ours.att_gt], clustered_se(ref.influence_func))
    dynamic = _agg(ref, "dynamic")
    _close([e.se for e in ours.event_study], clustered_se(dynamic.influence_func))
    assert ours.dynamic_overall is not None
    _close([ours.dynamic_overall.se], clustered_se(dynamic.influence_func_overall))
    assert ours.n_clusters == len(set(state))
    unclustered = _fit(data, covariates=["lpop"])
    assert ours.overall.se != pytest.approx(unclustered.overall.se, rel=0.01)


def test_it_takes_time_varying_covariates_at_the_base_period(mpdta: pd.DataFrame) -> None:
    drifting = mpdta.assign(
        lpop=mpdta["lpop"] + 0.05 * (mpdta["year"] - 2003) * np.sin(mpdta["countyreal"])
    )
    ref = _ref(drifting, xformla="~lpop")
    ours = _fit(drifting, covariates=["lpop"])
    _close([c.att for c in ours.att_gt], ref.att_gt)
    _close([c.se for c in ours.att_gt], ref.se_gt)
    assert ours.overall.att != _fit(mpdta, covariates=["lpop"]).overall.att
