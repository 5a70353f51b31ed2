"""A task that holds the worker until the test opens the gate, so that a test can cut the
worker's database connection at a known moment: while a task runs."""

from __future__ import annotations

import threading

from django.tasks import task

STARTED = threading.Event()
GATE = threading.Event()


@task()
def wait_at_gate() -> None:
    STARTED.set()
    GATE.wait(timeout=60)
