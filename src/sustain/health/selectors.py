"""Reads of the health app: a program's stored health for one viewer, the fade timeline
and the alerts. Each costs a fixed number of queries whatever the organization's size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, Count, Max, Q, QuerySet, Value, When
from django.utils import timezone

from sustain.analysis.models import AnalysisRun, RunStatus
from sustain.coaching.models import Observation
from sustain.health import rules as rules_mod
from sustain.health import signals as sig
from sustain.health.alerts import workshop_day
from sustain.health.models import Alert, AlertStatus, HealthDay, HealthSettings, Level
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.plans.models import CheckIn
from sustain.programs.models import Program
from sustain.programs.selectors import program_settings
from sustain.refreshers.models import RetentionTotal, Review
from sustain.refreshers.selectors import stored_state

HORIZON_DAYS = 180


def latest_day(program: Program) -> dt.date | None:
    last: dt.date | None = HealthDay.objects.filter(program=program).aggregate(last=Max("day"))[
        "last"
    ]
    return last


def health_for(*, viewer: Person, program: Program, day: dt.date | None = None) -> dict[str, Any]:
    """{"day", "program": row | None, "regions", "teams", "managers", "reps"}: the rows of
    `day` (the latest computed by default) this viewer may see. Two queries."""
    day = day or latest_day(program)
    out: dict[str, Any] = {
        "day": day,
        "program": None,
        "regions": [],
        "teams": [],
        "managers": [],
        "reps": [],
    }
    if day is None:
        return out
    rows = HealthDay.objects.filter(program=program, day=day).filter(
        access.health_rows_visible_to(viewer)
    )
    for row in rows.order_by("score", "name"):
        if row.level == Level.PROGRAM:
            out["program"] = row
        else:
            out[f"{row.level}s"].append(row)
    return out


def history(*, program: Program, level: str, subject_id: int, since: dt.date) -> list[HealthDay]:
    return list(
        HealthDay.objects.filter(
            program=program, level=level, subject_id=subject_id, day__gte=since
        ).only("day", "score")
    )


def settings_table(program: Program) -> dict[str, Any]:

    settings = program_settings(program, HealthSettings)
    sconf = sig.effective(settings.signals)
    rconf = rules_mod.effective(settings.rules)
    return {
        "settings": settings,
        "signals": [{"signal": s, **sconf[s.key]} for s in sig.SIGNALS],
        "rules": [{"rule": r, **rconf[r.key]} for r in rules_mod.RULES],
    }


# The fade ---------------------------------------------------------------------------


def _weekly(counts: dict[int, int]) -> list[dict[str, Any]]:
    peak = max(counts.values(), default=0)
    return [
        {"day": w * 7, "value": round(100 * counts.get(w, 0) / peak) if peak else 0}
        for w in range(HORIZON_DAYS // 7 + 1)
    ]


def fade(*, program: Program, today: dt.date | None = None) -> dict[str, Any] | None:
    """The program from its first workshop to day 180: health and activity (observations,
    refresher answers, check-ins per week, each as a share of its busiest week), the week
    follow-through fell below half its peak, and the latest analysis's effect by day."""
    start = workshop_day(program)
    if start is None:
        return None
    today = today or timezone.localdate()
    end = start + dt.timedelta(days=HORIZON_DAYS)

    def week(d: dt.date) -> int:
        return (d - start).days // 7

    obs: dict[int, int] = defaultdict(int)
    for d, n in (
        Observation.objects.filter(program=program, date__gte=start, date__lte=end)
        .values("date")
        .annotate(n=Count("id"))
        .values_list("date", "n")
    ):
        obs[week(d)] += n

    # Answers are timestamps: counted per week between local midnights in SQL, not
    # truncated to a date row by row (a Python function per row on SQLite).
    def midnight(d: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(d, dt.time.min))

    weeks = range(HORIZON_DAYS // 7 + 1)
    bounds = [
        (
            midnight(start + dt.timedelta(weeks=w)),
            midnight(min(start + dt.timedelta(weeks=w + 1), end + dt.timedelta(days=1))),
        )
        for w in weeks
    ]
    # Answers are stored per day (refreshers.RetentionTotal); what the store does not
    # hold (its `since` on, unless tallied) is counted from the answers.
    stored = stored_state(program)
    answers: dict[int, int] = defaultdict(int)
    for d, n in stored.rows(
        RetentionTotal.objects.filter(
            program=program, by=RetentionTotal.By.DAY, period__gte=start, period__lte=end
        )
    ).values_list("period", "answers"):
        answers[week(d)] += n
    live = stored.live(
        Review.objects.filter(
            concept__program=program,
            reviewed_at__gte=bounds[0][0],
            reviewed_at__lt=bounds[-1][1],
        )
    )
    live_from = midnight(stored.since) if stored.since else bounds[0][0]
    for w, n in (
        live.annotate(
            w=Case(
                *[
                    When(reviewed_at__lt=high, then=Value(w))
                    for w, (_low, high) in zip(weeks, bounds, strict=True)
                    if high > live_from
                ]
            )
        )
        .values("w")
        .annotate(n=Count("id"))
        .values_list("w", "n")
        .order_by()
    ):
        answers[w] += n
    checkins: dict[int, int] = defaultdict(int)
    for d, n in (
        CheckIn.objects.filter(plan__program=program, week__gte=start, week__lte=end)
        .values("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    ):
        checkins[week(d)] += n
    last_week = min(week(today), HORIZON_DAYS // 7)
    series = {
        "Coaching observations": _weekly(obs),
        "Refresher answers": _weekly(answers),
        "Plan check-ins": _weekly(checkins),
    }
    activity = [
        {**p, "series": name}
        for name, points in series.items()
        for p in points
        if p["day"] // 7 <= last_week
    ]
    health = [
        {"day": (d - start).days, "value": s, "series": "Health (0-100)"}
        for d, s in HealthDay.objects.filter(
            program=program, level=Level.PROGRAM, day__gte=start, day__lte=end
        )
        .order_by("day")
        .values_list("day", "score")
    ]
    combined = [
        sum(points[w]["value"] for points in series.values()) / len(series)
        for w in range(last_week + 1)
    ]
    fell = None
    if combined and max(combined) > 0:
        peak = combined.index(max(combined))
        fell = next(
            (w * 7 for w in range(peak + 1, len(combined)) if combined[w] < max(combined) / 2),
            None,
        )
    run = (
        AnalysisRun.objects.filter(program=program, status=RunStatus.DONE, result__isnull=False)
        .select_related("kpi")
        .order_by("-finished_at", "-id")
        .first()
    )
    effect = []
    if run is not None:
        assert run.result is not None  # filtered on result__isnull=False
        period = float((run.result.get("meta") or {}).get("period_days") or 7.0)
        effect = [
            {"day": e["e"] * period, "att": e["att"]}
            for e in run.result.get("event_study", [])
            if 0 <= e["e"] * period <= HORIZON_DAYS
        ]
    return {
        "start": start,
        "today_day": (today - start).days,
        "points": activity + health,
        "fell_day": fell,
        "effect": effect,
        "kpi": run.kpi.name if run is not None else None,
    }


# Alerts -----------------------------------------------------------------------------


def alerts_for(
    *, viewer: Person, status: str = "open", today: dt.date | None = None
) -> QuerySet[Alert]:
    """`open` (not acknowledged, not snoozed past today), `snoozed`, `acknowledged`,
    `resolved` or `all`."""
    today = today or timezone.localdate()
    alerts = access.alerts_visible_to(viewer).select_related("recipient", "escalated_to", "program")
    if status == "open":
        return alerts.filter(status=AlertStatus.OPEN).filter(
            Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)
        )
    if status == "snoozed":
        return alerts.exclude(status=AlertStatus.RESOLVED).filter(snoozed_until__gt=today)
    if status in (AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED):
        return alerts.filter(status=status)
    return alerts
