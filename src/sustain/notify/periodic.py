"""Periodic sweeps (daily digests, weekly nudges, outbox retries). Any number of worker
processes may run the scheduler: a sweep is enqueued by whichever first moves its
`next_run_at` forward with a conditional UPDATE, so it runs once per interval."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
from typing import Any

from django.db import close_old_connections
from django.utils import timezone

from sustain.notify.models import ScheduledSweep

logger = logging.getLogger(__name__)

# (name, dotted path of a @task, interval). Apps add their sweeps here.
SWEEPS: list[tuple[str, str, dt.timedelta]] = [
    # Often, so that a crashed worker's messages go out soon after their lease ends; it
    # is enqueued only when something is due (SWEEP_GUARDS), so an idle queue stays empty.
    ("outbox-retry", "sustain.notify.tasks.deliver_outbox", dt.timedelta(seconds=30)),
    # Fails or retries work whose worker died (see notify.reaper).
    ("reap-stuck-work", "sustain.notify.tasks.reap_stuck_work", dt.timedelta(minutes=1)),
    # The dedupe key (manager, ISO week) keeps it to one nudge a week even if run again.
    ("coaching-nudge", "sustain.coaching.tasks.nudge_managers", dt.timedelta(weeks=1)),
    # The skill distribution and coverage of every program a page has shown.
    (
        "coaching-summary-daily",
        "sustain.coaching.tasks.refresh_coaching_summaries",
        dt.timedelta(days=1),
    ),
    (
        "certification-refresh",
        "sustain.certification.tasks.refresh_certifications",
        dt.timedelta(days=1),
    ),
    ("plans-daily", "sustain.plans.tasks.plans_daily_sweep", dt.timedelta(days=1)),
    ("refreshers-daily", "sustain.refreshers.tasks.refreshers_daily_sweep", dt.timedelta(days=1)),
    # The complete weeks of refresher retention (refreshers.RetentionTotal).
    (
        "refresher-totals-daily",
        "sustain.refreshers.tasks.refresh_retention_totals_all",
        dt.timedelta(days=1),
    ),
    ("transcript-retention", "sustain.adoption.tasks.delete_old_transcripts", dt.timedelta(days=1)),
    # Kirkpatrick levels 1-3 of every program a page has shown (analysis.KirkpatrickSummary).
    ("kirkpatrick-daily", "sustain.analysis.tasks.refresh_kirkpatrick_all", dt.timedelta(days=1)),
    # Re-running a day replaces its rows; alerts are deduplicated per subject.
    ("health-daily", "sustain.health.tasks.health_daily_sweep", dt.timedelta(days=1)),
    # Daily, so a week's digest goes out on its first day even after downtime; the dedupe
    # key (person, channel, ISO week) keeps it to one a week.
    ("weekly-digest", "sustain.health.tasks.weekly_digests", dt.timedelta(days=1)),
]


# name -> dotted path of a function answering whether the sweep would find work. A sweep
# that runs every minute enqueues a task only when its guard says so.
SWEEP_GUARDS: dict[str, str] = {
    "outbox-retry": "sustain.notify.services.outbox_has_due",
    "reap-stuck-work": "sustain.notify.reaper.stuck_work_exists",
}


def _task(path: str) -> Any:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def enqueue_due_sweeps(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every sweep whose time has come; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for name, path, interval in SWEEPS:
        ScheduledSweep.objects.get_or_create(name=name, defaults={"next_run_at": now})
        claimed = ScheduledSweep.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + interval, last_enqueued_at=now
        )
        guard = SWEEP_GUARDS.get(name)
        if claimed and (guard is None or _task(guard)(now=now)):
            _task(path).enqueue()
            enqueued.append(name)
    return enqueued


def run_sweep(name: str) -> Any:
    """Run one sweep now, in this process (`sustain sweep`); what its task returns. A
    failure raises, as the task would."""
    path = next(p for n, p, _interval in SWEEPS if n == name)
    return _task(path).call()


def run_scheduler(stop: threading.Event, *, tick_seconds: float = 15.0) -> None:
    from sustain.notify.worker import reset_connections

    while not stop.is_set():
        try:
            close_old_connections()
            enqueue_due_sweeps()
        except Exception:  # a transient database error must not kill the scheduler
            logger.exception("Scheduling sweeps failed; trying again at the next tick")
            reset_connections()
        stop.wait(tick_seconds)
