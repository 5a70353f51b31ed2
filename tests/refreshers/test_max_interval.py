"""Issue 14 item 6: a per-program longest interval (60 days by default) so a concept
answered well keeps coming back through the fade and up to day 180."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from sustain.health.services import health_settings_update
from sustain.refreshers import services
from sustain.refreshers.models import Card, Question
from tests.conftest import Cast
from tests.refreshers.conftest import TRAINED_ON


def _answer_well_for_180_days(cast: Cast, question: Question) -> list[dt.datetime]:
    """Answer every time it is due, always right; the review times, then the next due
    time past day 180."""
    card = Card.objects.get(person=cast.rep, question=question)
    end = services.day_start(TRAINED_ON + dt.timedelta(days=180))
    times = []
    while card.due < end:
        now = card.due + dt.timedelta(hours=9)
        services.refresher_answer(
            person=cast.rep, card=card, answer="The cost of the problem", now=now
        )
        card.refresh_from_db()
        times.append(now)
    return [*times, card.due]


def test_it_keeps_every_interval_within_60_days_by_default(cast: Cast, question: Question) -> None:
    times = _answer_well_for_180_days(cast, question)
    gaps = [(b - a).days for a, b in pairwise(times)]
    assert max(gaps) == 60
    # The concept comes back in the fade (days 90-120) and after it.
    days = [(t.date() - TRAINED_ON).days for t in times[:-1]]
    assert any(90 <= d <= 150 for d in days) and days[-1] > 120


def test_it_follows_the_programs_own_cap(cast: Cast, question: Question) -> None:
    health_settings_update(program=cast.program, refresher_max_interval_days=21)
    times = _answer_well_for_180_days(cast, question)
    assert max((b - a).days for a, b in pairwise(times)) == 21


def test_it_would_leave_a_long_gap_without_a_cap(cast: Cast, question: Question) -> None:
    health_settings_update(program=cast.program, refresher_max_interval_days=365)
    times = _answer_well_for_180_days(cast, question)
    assert (times[-1] - times[-2]).days > 60  # what the old scheduling did
