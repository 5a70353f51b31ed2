"""Writes of the health app: settings, the daily computation with its alerts, and the
sweep that keeps every program's days filled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sustain.health import alerts, compute
from sustain.health import rules as rules_mod
from sustain.health import signals as sig
from sustain.health.models import HealthDay, HealthSettings, Level
from sustain.programs.models import Program, ProgramStatus
from sustain.programs.selectors import program_settings

# A sweep that was down catches up this many days at most; older days are history.
CATCH_UP_DAYS = 31
# Rep rows are the bulk (one per rep per day); pages and alerts read the recent ones only.
REP_HISTORY_DAYS = 35


@transaction.atomic
def health_settings_update(
    *,
    program: Program,
    signals: dict[str, Any] | None = None,
    rules: dict[str, Any] | None = None,
    refresher_max_interval_days: int | None = None,
) -> HealthSettings:
    """Merge the given overrides into the program's settings; refuses the whole change
    when any part is invalid."""
    settings, _ = HealthSettings.objects.select_for_update().get_or_create(program=program)
    errors: dict[str, Any] = {}
    if signals is not None:
        errors.update({f"signals.{k}": v for k, v in sig.validate(signals).items()})
    if rules is not None:
        errors.update({f"rules.{k}": v for k, v in rules_mod.validate(rules).items()})
    if errors:
        raise ValidationError(errors)
    fields = []
    if signals is not None:
        settings.signals = {**settings.signals, **signals}
        fields.append("signals")
    if rules is not None:
        settings.rules = {**settings.rules, **rules}
        fields.append("rules")
    if refresher_max_interval_days is not None:
        settings.refresher_max_interval_days = refresher_max_interval_days
        fields.append("refresher_max_interval_days")
    settings.full_clean()
    if fields:
        settings.save(update_fields=fields)
    return settings


def health_run_day(*, program: Program, day: dt.date, with_alerts: bool = True) -> dict[str, int]:
    """Compute (or recompute) one day, then bring the alerts up to date with it."""
    reps = compute.rep_frame(program, day)
    with transaction.atomic():
        rows = compute.day_rows(program, day, reps)
        HealthDay.objects.filter(program=program, day=day).delete()
        compute.rows_insert(program, day, rows)
        HealthDay.objects.filter(
            program=program, level=Level.REP, day__lt=day - dt.timedelta(days=REP_HISTORY_DAYS)
        ).delete()
    result = {"rows": len(rows)}
    if with_alerts:
        conf = rules_mod.effective(program_settings(program, HealthSettings).rules)
        found = alerts.findings(program=program, day=day, reps=reps, conf=conf)
        result |= alerts.alerts_sync(program=program, day=day, found=found, conf=conf)
    return result


def days_to_compute(program: Program, today: dt.date) -> list[dt.date]:
    """The days missing since the last stored one (resumable: an interrupted sweep leaves
    the days it finished), at most CATCH_UP_DAYS back, and always today."""
    last = HealthDay.objects.filter(program=program).aggregate(last=Max("day"))["last"]
    if last is None or last >= today:
        return [today]
    first = max(last + dt.timedelta(days=1), today - dt.timedelta(days=CATCH_UP_DAYS))
    return [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]


def health_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Every program that is running: its missing days, each in its own transaction, the
    alerts evaluated on the latest."""
    today = today or timezone.localdate()
    programs = Program.objects.exclude(status=ProgramStatus.CLOSED)
    done = 0
    for program in programs.select_related("organization"):
        days = days_to_compute(program, today)
        for day in days:
            health_run_day(program=program, day=day, with_alerts=day == today)
            done += 1
    return {"days": done}
