"""Work whose worker died is failed after its lease by the reaper sweep, and the person
can try again."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sustain.analysis.models import AnalysisRun
from sustain.metrics.models import ImportJob
from sustain.metrics.services import _ensure_kpis
from sustain.notify.periodic import enqueue_due_sweeps
from sustain.notify.reaper import reap_stuck_work
from sustain.notify.tasks import deliver_outbox
from tests.conftest import Cast, Login

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _ago(**kw: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kw)


def test_it_fails_an_import_whose_worker_died(cast: Cast, login: Login) -> None:
    # What a killed server leaves: running at 50%, no sign of life for 11 minutes.
    dead = ImportJob.objects.create(
        organization=cast.org,
        source="panel",
        filename="a.csv",
        status="running",
        progress=50,
        heartbeat_at=_ago(minutes=11),
    )
    alive = ImportJob.objects.create(
        organization=cast.org,
        source="panel",
        filename="b.csv",
        status="running",
        progress=50,
        heartbeat_at=_ago(minutes=1),
    )
    before_heartbeats = ImportJob.objects.create(
        organization=cast.org,
        source="panel",
        filename="c.csv",
        status="running",
        created_at=_ago(days=2),
    )

    assert reap_stuck_work()["metrics.ImportJob"] == 2
    dead.refresh_from_db()
    assert dead.status == "failed" and "Try again" in dead.message
    assert ImportJob.objects.get(pk=alive.pk).status == "running"
    assert ImportJob.objects.get(pk=before_heartbeats.pk).status == "failed"
    body = login(cast.analyst).get(f"/metrics/import/{dead.pk}/").content.decode()
    assert "was restarted" in body and f"/metrics/import/{dead.pk}/retry/" in body


def test_it_fails_an_analysis_whose_worker_died(cast: Cast) -> None:
    kpi = cast.org.kpis.get(pk=_ensure_kpis(cast.org, ["revenue"])["revenue"])
    dead = AnalysisRun.objects.create(
        program=cast.program,
        kpi=kpi,
        status="running",
        progress=40,
        heartbeat_at=_ago(minutes=30),
    )
    assert reap_stuck_work()["analysis.AnalysisRun"] == 1
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.progress == 100 and "Try again" in dead.message


def test_it_fails_task_rows_left_running_by_a_killed_worker(db: None) -> None:
    with override_settings(TASKS=DB_TASKS):
        stuck = deliver_outbox.enqueue()
        recent = deliver_outbox.enqueue()
    DBTaskResult.objects.filter(pk=stuck.id).update(status="RUNNING", started_at=_ago(hours=2))
    DBTaskResult.objects.filter(pk=recent.id).update(status="RUNNING", started_at=_ago(minutes=5))

    assert reap_stuck_work()["tasks"] == 1
    assert DBTaskResult.objects.get(pk=stuck.id).status == "FAILED"
    assert DBTaskResult.objects.get(pk=recent.id).status == "RUNNING"


def test_it_schedules_the_reaper_only_when_something_is_stuck(cast: Cast) -> None:
    now = timezone.now()
    assert "reap-stuck-work" not in enqueue_due_sweeps(now=now)
    ImportJob.objects.create(
        organization=cast.org,
        source="panel",
        filename="a.csv",
        status="running",
        heartbeat_at=_ago(minutes=11),
    )
    assert "reap-stuck-work" in enqueue_due_sweeps(now=now + dt.timedelta(minutes=1))
    assert ImportJob.objects.get().status == "failed"  # the immediate backend ran it


def test_it_rolls_back_an_import_whose_worker_died_while_applying(cast: Cast) -> None:
    now = timezone.now()
    enqueue_due_sweeps(now=now)
    swapping = ImportJob.objects.create(
        organization=cast.org,
        source="panel",
        filename="a.csv",
        status="applying",
        progress=95,
        heartbeat_at=_ago(minutes=5),
    )
    assert "reap-stuck-work" in enqueue_due_sweeps(now=now + dt.timedelta(minutes=1))
    swapping.refresh_from_db()
    assert swapping.status == "failed"
    assert "rolled back" in swapping.errors[0]["reason"]
