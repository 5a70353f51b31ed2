"""Demo plans: cohort 1 finished theirs, cohort 2 is two-thirds through, a few never
committed (flagged to their manager). Riley Morgan, the printed rep, was trained 24 weeks
ago but went on leave: Dana Whitfield restarted her plan five weeks ago (`Plan.start`
moved, with a note), so her plan is in progress on the day the demo is loaded."""

from __future__ import annotations

import datetime as dt

from sustain.demo.context import DemoContext
from sustain.lib.dates import week_of
from sustain.plans import services
from sustain.plans.models import CheckIn, Phase, Plan
from sustain.plans.selectors import dated_phases

APPLIED = [
    "Opened with a call objective on every first meeting.",
    "Asked two impact questions before showing the product.",
    "Summarized back the buyer's need and got a yes.",
    "Used a proof point from a similar customer.",
    "Cushioned a price objection instead of discounting.",
    "Closed every call with a dated next step.",
]
STRUGGLED = [
    "",
    "",
    "Ran out of time to prepare for back-to-back calls.",
    "Buyer kept steering to price.",
    "Talked too much on the demo call.",
    "Forgot the trial close when the call went well.",
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def build(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    services.plans_generate(program=ctx.program)
    riley = ctx.logins["rep"]
    plans = list(Plan.objects.filter(program=ctx.program).select_related("rep", "enrollment"))
    check_ins: list[CheckIn] = []
    for plan in plans:
        if plan.rep_id == riley.pk:
            services.plan_restart(
                plan=plan,
                start=today - dt.timedelta(weeks=5),
                note=f"Restarted by {ctx.logins['manager'].name} after {riley.name}'s "
                "leave: the phases run again from her first week back.",
            )
            plan.committed_at = _at(plan.start, 10)
            diligence = 1.0
        else:
            diligence = rng.choice([0.95, 0.9, 0.8, 0.6, 0.4])
            if rng.random() < 0.85:
                plan.committed_at = _at(plan.start + dt.timedelta(days=rng.randint(0, 6)), 9)
            else:
                assert plan.enrollment.trained_on is not None  # demo plans follow a workshop
                plan.flagged_at = _at(plan.enrollment.trained_on + dt.timedelta(days=7), 6)
                diligence = 0.2
        plan.save(update_fields=["committed_at", "flagged_at"])
        phases = dated_phases(plan)
        end = min(phases[-1].end, today - dt.timedelta(days=1))
        week, n = week_of(plan.start), 0
        while week <= end:
            day = max(week + dt.timedelta(days=4), plan.start)
            # Riley skipped one week mid-plan; this week's check-in is still hers to make.
            skip = plan.rep_id == riley.pk and n == 2
            if day < today and not skip and rng.random() < diligence - 0.03 * n:
                phase = next((d.phase for d in phases if d.start <= day <= d.end), None)
                rating = max(1, min(5, 2 + n // 4 + rng.choice([-1, 0, 0, 1])))
                check_ins.append(
                    CheckIn(
                        plan=plan,
                        phase=phase,
                        week=week,
                        rating=rating,
                        applied=rng.choice(APPLIED),
                        struggled=rng.choice(STRUGGLED),
                        created_at=_at(day, 17),
                    )
                )
            week += dt.timedelta(weeks=1)
            n += 1
    CheckIn.objects.bulk_create(check_ins)
    riley_plan = next(p for p in plans if p.rep_id == riley.pk)
    goals = [
        "A written call objective before every first meeting",
        "Two impact questions on every discovery call",
        "Summarize back before I present, on every call",
    ]
    riley_phases = list(riley_plan.phases.order_by("position")[: len(goals)])
    for riley_phase, goal in zip(riley_phases, goals, strict=True):
        riley_phase.goal = goal
    Phase.objects.bulk_update(riley_phases, ["goal"])
    services.plan_item_add(
        plan=riley_plan,
        text="Role-play a price objection with Dana",
        due=today + dt.timedelta(days=4),
        source="coaching",
    )
    services.plan_item_add(
        plan=riley_plan,
        text="Shadow Ava's discovery call on Thursday",
        due=today + dt.timedelta(days=10),
        source="coaching",
    )
