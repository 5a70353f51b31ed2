"""The reaper: work whose worker died (killed, the server restarted mid-job) would stay
"running" forever. A sweep every minute fails what has been silent past its lease:

- import jobs and analysis runs whose heartbeat (renewed by every progress update) is
  older than JOB_LEASE_SECONDS; the person sees why and a "Try again" button; an import
  interrupted while swapping its values in is rolled back (`import_jobs_recover`);
- django-tasks-db rows RUNNING for longer than TASK_LEASE_SECONDS.

Outbox messages need nothing here: their lease ends and the retry sweep sends them."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# (model label, dotted path of the app's service failing its stale rows).
JOB_REAPERS: list[tuple[str, str]] = [
    ("metrics.ImportJob", "sustain.metrics.services.import_jobs_reap"),
    ("analysis.AnalysisRun", "sustain.analysis.services.analysis_runs_reap"),
    ("adoption.Call", "sustain.adoption.services.calls_reap"),
]
# More "is anything stuck?" checks for the sweep's guard (dotted paths, called with now=).
STUCK_CHECKS: list[str] = ["sustain.metrics.services.import_swaps_stale"]
LOST = "sustain.notify.reaper.WorkerLost"


def stale_jobs(model_label: str, *, stale_before: dt.datetime) -> QuerySet[Any]:
    """Running rows silent since `stale_before`; rows from before heartbeats existed
    count from their creation."""
    model: type[Model] = apps.get_model(model_label)
    return model._default_manager.filter(
        Q(heartbeat_at__lt=stale_before)
        | Q(heartbeat_at__isnull=True, created_at__lt=stale_before),
        status="running",
    )


def _stale_tasks(now: dt.datetime) -> QuerySet[DBTaskResult[Any, Any]]:
    lease = dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    return DBTaskResult.objects.running().filter(started_at__lt=now - lease)


def _job_stale_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def stuck_work_exists(*, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    before = _job_stale_before(now)
    return (
        _stale_tasks(now).exists()
        or any(stale_jobs(label, stale_before=before).exists() for label, _ in JOB_REAPERS)
        or any(_function(path)(now=now) for path in STUCK_CHECKS)
    )


def _function(path: str) -> Any:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def reap_stuck_work(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Fail what the dead workers left; returns how many of each were failed."""
    now = now or timezone.now()
    reaped: dict[str, int] = {}
    for label, path in JOB_REAPERS:
        reaped[label] = _function(path)(stale_before=_job_stale_before(now))
    reaped["tasks"] = _stale_tasks(now).update(
        status="FAILED",
        finished_at=now,
        exception_class_path=LOST,
        traceback="The worker running this task stopped (killed or restarted) before it "
        f"finished; failed by the reaper after {settings.TASK_LEASE_SECONDS} s.",
    )
    if any(reaped.values()):
        logger.warning("Reaped work left by dead workers: %s", reaped)
    return reaped
