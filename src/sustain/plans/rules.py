"""Pure rules of plans: no database, easy to test on their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sustain.lib.dates import week_of
from sustain.plans.models import MandatoryReason


def split_days(total: int, n: int) -> list[int]:
    """`total` days split as evenly as whole days allow; the first phases take the rest."""
    if n <= 0:
        return []
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def consistently_below_quota(
    attainment: Sequence[float], *, threshold: float, periods: int
) -> bool:
    """True when each of the latest `periods` attainment values (oldest first, 1.0 = 100%
    of quota) is under `threshold`. Fewer periods than that is not "consistently"."""
    recent = list(attainment)[-periods:]
    return len(recent) >= periods and all(a < threshold for a in recent)


def mandatory_reason(
    *,
    hire_date: dt.date | None,
    trained_on: dt.date,
    new_hire_days: int,
    attainment: Sequence[float],
    quota_threshold: float,
    quota_periods: int,
    manager_flag: bool,
) -> str:
    """Why the plan is mandatory ("" when it is voluntary). New hires first: of two true
    reasons the rep reads the one that is about her start, not her numbers."""
    if hire_date is not None and (trained_on - hire_date).days <= new_hire_days:
        return MandatoryReason.NEW_HIRE
    if manager_flag or consistently_below_quota(
        attainment, threshold=quota_threshold, periods=quota_periods
    ):
        return MandatoryReason.BELOW_QUOTA
    return MandatoryReason.NONE


def weeks_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Mondays of the weeks from `first`'s week to `last`'s week, both included."""
    start = week_of(first)
    weeks = []
    while start <= last:
        weeks.append(start)
        start += dt.timedelta(weeks=1)
    return weeks


def streak(checked_weeks: set[dt.date], *, this_week: dt.date) -> int:
    """Consecutive weeks with a check-in, counted back from this week; a week still in
    progress without one does not break the streak yet."""
    week = this_week if this_week in checked_weeks else this_week - dt.timedelta(weeks=1)
    n = 0
    while week in checked_weeks:
        n += 1
        week -= dt.timedelta(weeks=1)
    return n
