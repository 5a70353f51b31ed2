from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from waitress import serve

from sustain.config.wsgi import application
from sustain.notify.worker import start_scheduler_thread, start_worker_thread


class Command(BaseCommand):
    help = "Serve the web app; on the embedded database the worker runs in this process."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run tasks here (run `sustain worker` processes instead).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_worker"]:
            start_worker_thread()
            start_scheduler_thread()
            self.stdout.write("Background worker running in this process.")
        db = str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]
        self.stdout.write(
            f"Sustain on http://{options['host']}:{options['port']}/ (database: {db})"
        )
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="sustain",
        )
