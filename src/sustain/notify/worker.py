"""The task worker, in both deployments: a thread of `sustain serve` (embedded) or the
`sustain worker` process. django-tasks-db's loop lets some database errors escape (a
"database is locked" on SQLite while another transaction holds the write lock longer than
the busy timeout, a connection dropped by PostgreSQL); one such error would end the worker
for good while the scheduler keeps queueing. Here the loop is restarted with back-off."""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from typing import Any

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker

from sustain.notify.periodic import run_scheduler

logger = logging.getLogger(__name__)

FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
# A loop that ran this long before failing was healthy: start the back-off afresh.
HEALTHY_SECONDS = 60.0


def reset_connections() -> None:
    """Drop this thread's database connections after an error: the next query opens a
    fresh one instead of reusing a broken or half-open connection."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:
            logger.warning("Closing a broken database connection failed", exc_info=True)


class ResilientWorker(Worker):
    """django-tasks-db's worker whose loop survives errors: logged with their traceback,
    then retried after an exponential, jittered back-off. SystemExit and KeyboardInterrupt
    (the signal handlers' way to stop) still end it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.restarts = 0

    def run(self) -> None:
        backoff = FIRST_BACKOFF
        while self.running:
            began = time.monotonic()
            try:
                super().run()
                return  # batch drained, or max_tasks reached
            except Exception:
                self.restarts += 1
                if time.monotonic() - began > HEALTHY_SECONDS:
                    backoff = FIRST_BACKOFF
                logger.exception(
                    "Worker %s: the task loop failed; restarting in %.1f s",
                    self.worker_id,
                    backoff,
                )
            reset_connections()
            self.startup_delay = False
            time.sleep(backoff * (1 + random.random() / 2))
            backoff = min(backoff * 2, MAX_BACKOFF)


def make_worker(*, worker_id: str, interval: float = 1.0, batch: bool = False) -> ResilientWorker:
    return ResilientWorker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch and not worker_id.startswith("inproc-"),
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def start_worker_thread(*, interval: float = 1.0) -> threading.Thread:
    """The task worker inside the current process (the embedded deployment)."""
    worker = make_worker(worker_id=f"inproc-{os.getpid()}", interval=interval)
    thread = threading.Thread(target=worker.run, name="sustain-worker", daemon=True)
    thread.start()
    return thread


def start_scheduler_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(
        target=run_scheduler, args=(stop,), name="sustain-scheduler", daemon=True
    ).start()
    return stop
