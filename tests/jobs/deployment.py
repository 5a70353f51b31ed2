"""A real embedded deployment for tests: `sustain` processes on a migrated SQLite file,
as `sustain serve` and `sustain worker` run it (WAL, IMMEDIATE transactions), so locks,
crashes and races are the real ones and not the test database's."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SUSTAIN = str(Path(sys.executable).with_name("sustain"))


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="sustain.config.settings.local",
        SUSTAIN_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Deployment:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.db = data_dir / "sustain.sqlite3"
        self.processes: list[subprocess.Popen[bytes]] = []

    def env(self, **extra: str) -> dict[str, str]:
        return env_for(self.data_dir, **extra)

    def start(self, *args: str, name: str, **extra: str) -> subprocess.Popen[bytes]:
        with open(self.data_dir / f"{name}.log", "wb") as log:
            process = subprocess.Popen(
                [SUSTAIN, *args], env=self.env(**extra), stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.data_dir / f"{name}.log").read_text(errors="replace")

    def shell(self, code: str, **extra: str) -> str:
        done = subprocess.run(
            [SUSTAIN, "shell", "-c", code],
            env=self.env(**extra),
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db, timeout=30) as raw:
            return raw.execute(sql, params).fetchall()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("migrated")
    subprocess.run([SUSTAIN, "migrate", "-v0"], env=env_for(data_dir), check=True, timeout=300)
    return data_dir / "sustain.sqlite3"


@pytest.fixture
def deployment(migrated_db: Path, tmp_path: Path) -> Iterator[Deployment]:
    shutil.copy(migrated_db, tmp_path / "sustain.sqlite3")
    running = Deployment(tmp_path)
    yield running
    running.stop()


# Creates an organization and a person to write to (once), then queues `n` messages.
QUEUE_MAIL = """
from sustain.orgs import services as o
from sustain.notify.services import OutboxDraft, outbox_enqueue_many
from sustain.orgs.models import Organization
org = Organization.objects.first() or o.organization_create(name="Acme")
rep = org.people.first() or o.person_create(
    organization=org, email="rep@acme.example", name="Rita", role="rep", password="x-long-pass-1"
)
outbox_enqueue_many(messages=[
    OutboxDraft.for_person(rep, subject=f"Message {{i}}", body="b", kind="test")
    for i in range({n})
])
"""
