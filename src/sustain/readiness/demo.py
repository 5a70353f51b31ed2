"""A realistically half-ready preparation: the owner and goals are in place and the why
was sent, but the owner is stretched, the needs assessment is unfinished, expectations
stop at the managers, and the reinforcement budget is thin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sustain.demo.context import DemoContext
from sustain.readiness import services
from sustain.readiness.models import Acknowledgement, Factor


def build(ctx: DemoContext) -> None:
    program, today = ctx.program, ctx.today
    owner, executive = ctx.logins["owner"], ctx.logins["executive"]
    first_session = ctx.sessions[0].starts_on
    services.owner_profile_update(
        program=program,
        data={
            "has_sales_experience": True,
            "sales_years": 9,
            "time_share": 15,
            "carries_quota": False,
            "paid_for_success": True,
            "other_programs": "CRM rollout; new-hire onboarding",
        },
    )
    start = first_session - dt.timedelta(days=180)
    for kpi, base, target, direction, horizon in (
        ("win_rate", "22.5", "27", "increase", 180),
        ("sales_cycle", "64", "55", "decrease", 180),
        ("revenue", "410000", "450000", "increase", 90),
    ):
        services.goal_create(
            program=program,
            kpi=kpi,
            baseline_value=Decimal(base),
            baseline_start=start,
            baseline_end=first_session - dt.timedelta(days=1),
            target_value=Decimal(target),
            direction=direction,
            horizon_days=horizon,
            leading_indicators="Impact questions per call; next steps agreed",
        )
    notes = {
        Factor.COMPENSATION: ("minor", "Commission pays on bookings, not on margin."),
        Factor.ENVIRONMENT: ("none", ""),
        Factor.BRAND: ("none", ""),
        Factor.COLLATERAL: ("major", "Brochures list features; no customer outcomes."),
        Factor.PROCESS: ("minor", "CRM stages do not match the buying process."),
    }
    for factor, (rating, note) in notes.items():
        services.needs_factor_rate(program=program, factor=factor, rating=rating, notes=note)
    services.why_message_write(
        program=program,
        author=executive,
        market_change="Our buyers finish most of their research before they call us, and two "
        "competitors now match us on price.",
        status_quo="Pitching features wins fewer deals every quarter: our win rate fell five "
        "points in a year. We win when we understand the buyer's problem first.",
    )
    for days, channel, forum, sender in (
        (30, "town_hall", "Q1 kickoff", executive),
        (21, "email", "", executive),
        (7, "team_meeting", "Weekly pipeline meeting", owner),
    ):
        services.touch_create(
            program=program,
            date=first_session - dt.timedelta(days=days),
            channel=channel,
            forum=forum,
            sender=sender,
            status="done",
        )
    services.expectation_write(
        program=program,
        role="executive",
        do_differently="Ask about the buyer's problem in every deal review.",
        measured_by="Deal reviews sampled monthly",
        recognized_by="Named in the quarterly business review",
    )
    services.expectation_write(
        program=program,
        role="manager",
        do_differently="Observe and coach two calls per rep per month.",
        measured_by="Coaching observations logged",
        recognized_by="Coaching counts in the manager scorecard",
    )
    services.panel_member_add(
        program=program, manager=ctx.managers[0], scenarios="Renewal at risk after a price increase"
    )
    services.panel_member_add(
        program=program, manager=ctx.managers[3], scenarios="Distributor who buys on price alone"
    )
    services.reinforcement_plan_update(
        program=program,
        data={"coaching_cadence": "biweekly", "refreshers": True, "ninety_day_plans": True},
    )
    acknowledged = [r for r in ctx.reps if ctx.rng.random() < 0.7]
    Acknowledgement.objects.bulk_create(
        [
            Acknowledgement(
                program=program, rep=rep, pulse=ctx.rng.choice([2, 3, 4, 4, 5, 5, None])
            )
            for rep in acknowledged
            if rep.name != "Riley Morgan"
        ]
    )
    del today
