"""Daily health for REPS reps (100,000 by default): generates the organization into a fresh
SQLite file (or the PostgreSQL of DATABASE_URL), then times one day's computation twice
(the second replaces the first) and the day with its alerts.

    .venv/bin/python benchmarks/health/run.py [REPS]
    scripts/pg-throwaway .venv/bin/python benchmarks/health/run.py [REPS]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")


def _create_pg_database(url: str) -> None:
    """scripts/pg-throwaway starts a server without the database its URL names."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(reps: int = 100_000) -> None:
    db = None
    if not os.environ.get("DATABASE_URL"):
        db = tempfile.mktemp(suffix=".sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        _create_pg_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from generate import generate
    from sustain.health import compute, services
    from sustain.health.models import Alert, HealthDay
    from sustain.programs.models import Program

    call_command("migrate", verbosity=0)
    today = dt.date.today()
    print(
        f"database: {connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else connection.pg_version}"
    )
    made = generate(reps=reps, today=today)
    print(f"generated: {made}")
    program = Program.objects.get(pk=made["program_id"])

    t0 = time.perf_counter()
    frame = compute.rep_frame(program, today)
    t1 = time.perf_counter()
    rows = compute.day_rows(program, today, frame)
    t2 = time.perf_counter()
    print(f"read signals {t1 - t0:.1f} s, roll-up and scores {t2 - t1:.1f} s ({len(rows):,} rows)")
    for label, alerts in (
        ("day", False),
        ("day again (replaces)", False),
        ("day with alerts", True),
    ):
        start = time.perf_counter()
        result = services.health_run_day(program=program, day=today, with_alerts=alerts)
        print(f"{label}: {time.perf_counter() - start:.1f} s {result}")
    print(
        f"stored: {HealthDay.objects.filter(day=today).count():,} health rows, "
        f"{Alert.objects.count():,} alerts"
    )
    if db:
        os.unlink(db)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
