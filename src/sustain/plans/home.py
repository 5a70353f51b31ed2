"""Home page panels: the rep's plan, the manager's team plans."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.plans import selectors
from sustain.web.home import home_panel


@home_panel("plans/_panel.html")
def plans_panel(viewer: Person) -> dict[str, Any] | None:
    if access.leads_a_team(viewer):
        return {
            "title": "Team plans",
            "url": reverse("plans:team"),
            "text": "Your reps' 90-day plans: who committed, streaks, missed check-ins.",
        }
    if not access.has_own_plan(viewer):
        return None
    plan = selectors.plan_for_rep(viewer)
    if plan is None:
        return None
    p = selectors.plan_progress(plan, today=timezone.localdate())
    text = f"Now: {p.current.concept}." if p.current else f"Your plan is {p.status}."
    if plan.committed_at is None:
        text += " You have not committed to it yet."
    return {"title": "My 90-day plan", "url": reverse("plans:mine"), "text": text}
