from __future__ import annotations

import datetime as dt

from sustain.demo.context import DemoContext
from sustain.plans import selectors as plan_selectors
from sustain.refreshers.models import Review
from sustain.refreshers.selectors import due_cards


def test_the_printed_rep_has_a_plan_in_progress_and_a_refresher_due(demo: DemoContext) -> None:
    ctx, today = demo, dt.date(2026, 11, 23)
    assert ctx.today == today
    riley = ctx.logins["rep"]
    plan = plan_selectors.plan_for_rep(riley)
    assert plan is not None
    progress = plan_selectors.plan_progress(plan, today=today)
    assert progress.status == "in progress"
    assert progress.plan.restart_note
    assert due_cards(person=riley, today=today).exists()
    # Realistic forgetting: some answers wrong, most right.
    share = Review.objects.filter(correct=True).count() / Review.objects.count()
    assert 0.6 < share < 0.98
