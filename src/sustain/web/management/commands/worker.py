from __future__ import annotations

import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from sustain.notify.periodic import run_scheduler


def start_worker_thread(*, interval: float = 1.0) -> threading.Thread:
    """The task worker inside the current process (the embedded deployment)."""
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"inproc-{os.getpid()}",
        excluded_queue_names=[],
    )
    thread = threading.Thread(target=worker.run, name="sustain-worker", daemon=True)
    thread.start()
    return thread


def start_scheduler_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(
        target=run_scheduler, args=(stop,), name="sustain-scheduler", daemon=True
    ).start()
    return stop


class Command(BaseCommand):
    help = "Run background tasks and periodic sweeps (any number of workers may run)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = start_scheduler_thread() if not options["batch"] else None
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=f"worker-{os.getpid()}",
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            if stop:
                stop.set()
