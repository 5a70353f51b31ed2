from __future__ import annotations

import datetime as dt
from typing import Any

from sustain.plans import rules
from sustain.plans.models import MandatoryReason

TRAINED = dt.date(2026, 9, 1)


def _reason(**kw: Any) -> str:
    args: dict[str, Any] = dict(
        hire_date=dt.date(2020, 1, 1),
        trained_on=TRAINED,
        new_hire_days=180,
        attainment=[],
        quota_threshold=0.8,
        quota_periods=3,
        manager_flag=False,
    )
    args.update(kw)
    return rules.mandatory_reason(**args)


def test_it_splits_90_days_evenly() -> None:
    assert rules.split_days(90, 6) == [15] * 6
    assert rules.split_days(90, 4) == [23, 23, 22, 22]


def test_it_is_voluntary_for_an_experienced_rep_on_quota() -> None:
    assert _reason(attainment=[1.1, 0.9, 1.0]) == MandatoryReason.NONE


def test_it_is_mandatory_for_a_new_hire_within_the_configured_days() -> None:
    assert _reason(hire_date=TRAINED - dt.timedelta(days=180)) == MandatoryReason.NEW_HIRE
    assert _reason(hire_date=TRAINED - dt.timedelta(days=181)) == MandatoryReason.NONE
    assert _reason(hire_date=TRAINED - dt.timedelta(days=60), new_hire_days=30) == ""


def test_it_is_mandatory_when_below_threshold_for_n_periods() -> None:
    assert _reason(attainment=[1.2, 0.7, 0.6, 0.79]) == MandatoryReason.BELOW_QUOTA


def test_it_is_voluntary_when_one_recent_period_is_on_quota() -> None:
    assert _reason(attainment=[0.5, 0.6, 0.7, 0.8]) == MandatoryReason.NONE


def test_it_needs_n_periods_of_history_to_call_it_consistent() -> None:
    assert _reason(attainment=[0.5, 0.5]) == MandatoryReason.NONE


def test_it_takes_the_managers_flag_when_no_kpis_exist() -> None:
    assert _reason(manager_flag=True) == MandatoryReason.BELOW_QUOTA


def test_it_names_the_new_hire_reason_first() -> None:
    assert _reason(hire_date=TRAINED, manager_flag=True) == MandatoryReason.NEW_HIRE


def test_it_counts_a_streak_back_from_this_week() -> None:
    w = dt.date(2026, 11, 23)
    weeks = {w - dt.timedelta(weeks=1), w - dt.timedelta(weeks=2), w - dt.timedelta(weeks=4)}
    assert rules.streak(weeks, this_week=w) == 2
    assert rules.streak(weeks | {w}, this_week=w) == 3
    assert rules.streak(set(), this_week=w) == 0
