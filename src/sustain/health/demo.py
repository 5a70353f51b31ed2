"""Demo health: the history every four weeks back to the first workshop, the last three
weeks weekly (what `team_health_falling` compares), then today's alerts — the managers of North 2 and Central 3, who stopped coaching after
week 4, get `manager_not_coaching`."""

from __future__ import annotations

import datetime as dt

from sustain.demo.context import DemoContext
from sustain.health import services
from sustain.health.alerts import workshop_day


def build(ctx: DemoContext) -> None:
    start = workshop_day(ctx.program)
    if start is None:
        return
    weeks = (ctx.today - start).days // 7
    # Every day would cost the demo seconds for nothing the pages show.
    history = sorted({*range(4, weeks + 1, 4), 3, 2, 1}, reverse=True)
    for w in history:
        services.health_run_day(
            program=ctx.program, day=ctx.today - dt.timedelta(weeks=w), with_alerts=False
        )
    services.health_run_day(program=ctx.program, day=ctx.today)
