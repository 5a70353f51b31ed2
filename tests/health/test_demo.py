from __future__ import annotations

import datetime as dt

from sustain.demo.context import DemoContext
from sustain.health.models import Alert, HealthDay, Level
from sustain.orgs.models import Team


def test_it_alerts_the_demo_managers_who_stopped_coaching_and_keeps_a_history(
    demo: DemoContext,
) -> None:
    managers = set(
        Team.objects.filter(name__in=["North 2", "Central 3"]).values_list("manager_id", flat=True)
    )
    alerted = set(
        Alert.objects.filter(rule="manager_not_coaching", status="open").values_list(
            "subject_id", flat=True
        )
    )
    assert alerted == managers
    days = sorted(set(HealthDay.objects.filter(level=Level.PROGRAM).values_list("day", flat=True)))
    assert days[-1] == dt.date(2026, 11, 23) and len(days) >= 8
    steady, stopped = (
        HealthDay.objects.get(level=Level.TEAM, name=name, day=days[-1]).score
        for name in ("North 1", "North 2")
    )
    assert steady > stopped
