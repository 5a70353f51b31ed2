"""On PostgreSQL, the worker outlives its database connection being cut (a server
restart, a failover, an idle-connection killer) and keeps draining the queue."""

from __future__ import annotations

import threading

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.test import override_settings

from sustain.notify.models import OutboxMessage, OutboxStatus
from sustain.notify.services import outbox_enqueue
from sustain.notify.worker import make_worker
from tests.conftest import Cast
from tests.jobs import gated_task
from tests.jobs.deployment import wait_for

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _cut_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_it_keeps_working_after_postgres_cuts_its_connection(
    cast: Cast, mailoutbox: list[EmailMessage]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL drops connections; SQLite has none to drop")
    gated_task.STARTED.clear()
    gated_task.GATE.clear()
    with override_settings(TASKS=DB_TASKS):
        worker = make_worker(worker_id="test-worker", interval=0.1)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            gated_task.wait_at_gate.enqueue()
            assert gated_task.STARTED.wait(timeout=60)
            # The connection dies while the task runs: recording its result then fails.
            # The worker's connection, and any a thread of an earlier test left open.
            assert _cut_other_connections() >= 1
            gated_task.GATE.set()

            outbox_enqueue(recipient=cast.rep, subject="After", body="b")
            wait_for(lambda: len(mailoutbox) == 1, timeout=60, what="the queue to drain")
            assert thread.is_alive()
            assert OutboxMessage.objects.get().status == OutboxStatus.SENT
        finally:
            gated_task.GATE.set()
            worker.running = False
            thread.join(timeout=10)
