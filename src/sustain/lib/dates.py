"""Calendar helpers shared by apps."""

from __future__ import annotations

import datetime as dt


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week (weeks run Monday to Sunday, as check-ins do)."""
    return day - dt.timedelta(days=day.weekday())
