"""The coaching panel of the home page: a manager's overdue reps first, a rep's open
actions, and for leaders the managers who stopped coaching."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sustain.coaching import selectors, services
from sustain.coaching.models import DevelopmentAction
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.programs.models import ProgramStatus
from sustain.web.home import home_panel

# Rows a list on the panel shows; the program's coaching page has them all.
SHOWN = 10


@home_panel("coaching/_panel.html")
def coaching_panel(viewer: Person) -> dict[str, Any] | None:
    today = timezone.localdate()
    if access.leads_a_team(viewer):
        teams = access.teams_visible_to(viewer).values_list("pk", flat=True)
        cov = selectors.coverage(reps=selectors.team_scope(teams), today=today, limit=SHOWN)
        return {"kind": "manager", "coverage": cov}
    if access.has_own_plan(viewer):
        actions = DevelopmentAction.objects.filter(
            observation__rep=viewer, done_on__isnull=True
        ).order_by("due")[:10]
        return {"kind": "rep", "actions": list(actions)}
    if access.sees_stalled_observers(viewer):
        programs = list(access.programs_visible_to(viewer).exclude(status=ProgramStatus.CLOSED)[:3])
        # As stored in the background with each program's coaching summary.
        summaries = services.coaching_summaries_request(programs=programs)
        stalled = selectors.stored_stalled_of(summaries=list(summaries.values()), limit=SHOWN)
        rows = [
            {
                "program": p,
                "stalled": stalled[p.pk].rows,
                "total": stalled[p.pk].total,
                "as_of": summaries[p.pk].computed_at,
            }
            for p in programs
        ]
        return {"kind": "leader", "programs": rows} if rows else None
    return None
