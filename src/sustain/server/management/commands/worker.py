from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sustain.notify.worker import make_worker, start_scheduler_thread


class Command(BaseCommand):
    help = "Run background tasks and periodic sweeps (any number of workers may run)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = start_scheduler_thread() if not options["batch"] else None
        worker_id = f"worker-{os.getpid()}"
        # Said whatever the task log level (quiet by default): the process is up.
        self.stdout.write(f"Starting worker {worker_id}, polling every {options['interval']:g} s.")
        worker = make_worker(
            worker_id=worker_id,
            interval=options["interval"],
            batch=options["batch"],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            if stop:
                stop.set()
