from __future__ import annotations

import numpy as np
import pytest

from sustain.impact import Estimate, ImpactInputError, estimate, roi
from tests.impact.synth import make_panel


def test_it_monetizes_the_att_over_treated_rep_periods() -> None:
    result = roi(Estimate(att=100.0, se=10.0, ci_low=80.0, ci_high=120.0), treated_periods=50,
                 workshop_cost=3000.0, reinforcement_cost=1000.0)  # fmt: skip
    assert result.benefit == 5000.0 and result.cost == 4000.0
    assert result.roi == pytest.approx(0.25)
    assert result.ci == pytest.approx((0.0, 0.5))
    assert result.benefit_ci == (4000.0, 6000.0)


def test_it_rejects_a_non_positive_cost() -> None:
    with pytest.raises(ImpactInputError, match="cost must be positive"):
        roi(Estimate(1.0, 1.0, 0.0, 2.0), treated_periods=1, workshop_cost=0.0)


def test_it_counts_treated_rep_periods_from_the_panel() -> None:
    df = make_panel(n_units=300, effect=lambda e: np.full(e.shape, 2.0), seed=2)
    result = estimate(df, unit="unit", time="week", outcome="y", cohort="cohort")
    assert result.treated_periods == int(((df.cohort > 0) & (df.week >= df.cohort)).sum())
    money = result.roi(workshop_cost=100.0)
    assert money.benefit == pytest.approx(result.overall.att * result.treated_periods)
