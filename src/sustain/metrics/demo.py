"""52 weeks of weekly CRM KPIs for every demo rep, with a real training effect.

The story: the effect ramps up over the first six weeks after the workshop; on teams whose
managers keep coaching (North 1, North 3, Central 1, Central 2) it lasts, elsewhere (North 2,
Central 3) it fades by about 16 weeks. A market-wide lift starts 20 weeks ago — a
before/after comparison would credit it to the training, the comparison group does not —
and every rep follows the same seasonality. Which teams coach is coaching/demo.py's
COACHING_TEAMS, the same constant its observation history follows, so the analysis' `coached`
split (derived from those observations) finds the effect this generator put in.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from sustain.coaching.demo import COACHING_TEAMS
from sustain.demo.context import DemoContext
from sustain.lib.dates import week_of
from sustain.metrics.models import KpiDefinition
from sustain.metrics.services import STANDARD_KPIS, _ensure_kpis, kpi_frame_import

WEEKS = 52
TYPICAL_WEEKLY_REVENUE = 20000


def training_effect(weeks_since: int, coached: bool) -> float:
    """Relative lift in revenue `weeks_since` weeks after training."""
    if weeks_since < 0:
        return 0.0
    ramp = min(weeks_since / 6, 1.0) * 0.15
    if coached:
        return ramp
    return ramp * max(0.0, 1 - max(0, weeks_since - 6) / 10)


def build(ctx: DemoContext) -> None:
    _ensure_kpis(ctx.org, ["revenue", "wins", "win_rate", "cycle_days"])
    # Effects read "+$2,240 Revenue per rep per week"; sales cycle: lower is better.
    KpiDefinition.objects.filter(organization=ctx.org, key="revenue").update(currency="USD")
    monday = week_of(ctx.today)
    weeks = [monday - dt.timedelta(weeks=WEEKS - i) for i in range(WEEKS)]
    trained = dict(
        ctx.program.enrollments.filter(trained_on__isnull=False).values_list(
            "person_id", "trained_on"
        )
    )
    rng = ctx.rng
    rows: list[tuple[int, dt.date, str, float]] = []
    for rep in ctx.reps:
        team = next(t for t in ctx.teams if t.pk == rep.team_id)
        coached = team.name in COACHING_TEAMS
        base = rng.uniform(14000, 26000)
        day = trained.get(rep.pk)
        for i, week in enumerate(weeks):
            season = 1 + 0.12 * math.sin(2 * math.pi * (week.timetuple().tm_yday / 365.25))
            shock = 1.08 if i >= WEEKS - 20 else 1.0
            since = (week - day).days // 7 if day and week >= day else -1
            lift = 1 + training_effect(since, coached)
            # Season and market move every rep's revenue by the same amount (additively), so
            # trained and untrained reps share a trend, as the comparison design assumes.
            market = TYPICAL_WEEKLY_REVENUE * (season * shock - 1)
            revenue = max(0.0, base * lift * rng.gauss(1, 0.08) + market)
            wins = max(0, round(revenue / 6000 + rng.gauss(0, 0.6)))
            closed = wins + max(0, round(rng.gauss(3, 1) - 0.5 * (lift - 1) * 10))
            cycle = max(5.0, rng.gauss(48, 6) * (1 - 0.5 * (lift - 1)))
            for key, value in (
                ("revenue", round(revenue, 2)),
                ("wins", wins),
                ("win_rate", round(wins / closed, 3) if closed else 0.0),
                ("cycle_days", round(cycle, 1)),
            ):
                rows.append((rep.pk, week, key, float(value)))
    # Through the importer, so the demo's data is listed (and undoable) as an import.
    frame = pd.DataFrame(rows, columns=["rep_id", "period", "kpi", "value"])
    frame["period"] = pd.to_datetime(frame["period"])
    kpi_frame_import(
        organization=ctx.org,
        frame=frame,
        filename="demo-crm-weekly.csv",
        names={k: str(v["name"]) for k, v in STANDARD_KPIS.items()},
    )
