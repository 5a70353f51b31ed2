"""The demo's people over time: a rep who left after the first cohort's workshop is
deactivated, so the demo shows a person who cannot log in while her observations, plan
and KPI values stay in the analysis."""

from __future__ import annotations

from sustain.demo.context import DemoContext
from sustain.orgs import services
from sustain.orgs.models import Person

# The second team's reps are not the printed manager's: her pages keep their numbers.
LEAVER_TEAM = 1


def build(ctx: DemoContext) -> None:
    team = ctx.teams[LEAVER_TEAM]
    leaver = (
        Person.objects.filter(team=team, enrollments__trained_on__isnull=False)
        .order_by("pk")
        .last()
    )
    if leaver is None:
        return
    services.person_update(person=leaver, data={"title": "Account Executive (left)"})
    services.person_deactivate(person=leaver)
