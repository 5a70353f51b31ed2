"""The worker outlives a database held locked past SQLite's busy timeout, in both
deployments, and drains the queue once the lock is gone."""

from __future__ import annotations

import sqlite3
import time

from tests.jobs.deployment import QUEUE_MAIL, Deployment, free_port, wait_for

BUSY_TIMEOUT = "1"  # seconds, instead of 20: the lock below outlasts it several times


def _hold_write_lock(deployment: Deployment, log: str, seconds: float) -> None:
    """Hold the write lock for `seconds`, and on until the worker has met it (a loaded
    machine may schedule it late)."""
    raw = sqlite3.connect(deployment.db, isolation_level=None, timeout=30)
    try:
        raw.execute("BEGIN IMMEDIATE")  # what a long write transaction elsewhere does
        time.sleep(seconds)
        wait_for(lambda: "database is locked" in deployment.log(log), timeout=60, what="the lock")
    finally:
        raw.execute("ROLLBACK")
        raw.close()


def _all_sent(deployment: Deployment, n: int) -> bool:
    rows = deployment.query("SELECT status, count(*) FROM notify_outboxmessage GROUP BY status")
    return {status: count for status, count in rows}.get("sent") == n


def test_it_keeps_the_worker_process_running_through_a_locked_database(
    deployment: Deployment,
) -> None:
    worker = deployment.start(
        "worker", "--interval", "0.2", name="worker", SUSTAIN_SQLITE_TIMEOUT=BUSY_TIMEOUT
    )
    wait_for(lambda: "Starting worker" in deployment.log("worker"), timeout=90, what="start")

    _hold_write_lock(deployment, "worker", seconds=4)

    assert worker.poll() is None, deployment.log("worker")
    deployment.shell(QUEUE_MAIL.format(n=3))
    wait_for(lambda: _all_sent(deployment, 3), timeout=90, what="the queue to drain")


def test_it_keeps_the_embedded_worker_thread_running_through_a_locked_database(
    deployment: Deployment,
) -> None:
    port = free_port()
    deployment.start(
        "serve", "--port", str(port), name="serve", SUSTAIN_SQLITE_TIMEOUT=BUSY_TIMEOUT
    )
    wait_for(lambda: "Sustain on http" in deployment.log("serve"), timeout=90, what="start")
    deployment.shell(QUEUE_MAIL.format(n=1))
    wait_for(lambda: _all_sent(deployment, 1), timeout=90, what="the worker thread to run")

    _hold_write_lock(deployment, "serve", seconds=4)

    deployment.shell(QUEUE_MAIL.format(n=3))
    wait_for(lambda: _all_sent(deployment, 4), timeout=90, what="the queue to drain")
