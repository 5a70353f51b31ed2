"""Benchmark of the daily refresher digest sweep at scale.

    DATABASE_URL=sqlite:////tmp/sustain-bench.sqlite3 \
        .venv/bin/python benchmarks/refreshers/bench.py
    scripts/pg-throwaway .venv/bin/python benchmarks/refreshers/bench.py

Generates PEOPLE participants x QUESTIONS questions (one FSRS card each, a quarter of them
due today) with set-based INSERT ... SELECT statements, then times one run of
`refreshers_send_digests` and counts its queries. Writes results/<backend>.json.
Options: --people N (default 100000), --questions N (default 60), --batch N (default 1000),
--keep (reuse the generated data when it is already there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/sustain-bench.sqlite3")


def _ensure_pg_database() -> None:
    """pg-throwaway points at a database that does not exist yet: create it."""
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    _ensure_pg_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from generate import generate

    from sustain.notify.models import OutboxMessage
    from sustain.refreshers.services import refreshers_send_digests

    call_command("migrate", verbosity=0)
    today = dt.date(2026, 11, 23)
    t0 = time.perf_counter()
    generated = generate(people=args.people, questions=args.questions, today=today, keep=args.keep)
    t_generate = time.perf_counter() - t0
    OutboxMessage.objects.filter(kind="refresher_digest").delete()

    from sustain.orgs.models import Person
    from sustain.refreshers.services import _due_counts, due_cutoff

    first = list(
        Person.objects.filter(organization__slug="bench-refreshers")
        .order_by("pk")
        .values_list("pk", flat=True)[: args.batch]
    )
    plan = re.sub(
        r"\{[0-9,]{40,}\}",
        "{...the batch's ids...}",
        _due_counts(first, due_cutoff(today)).explain(),
    )
    print("Plan of the due-count query for one batch:\n" + plan)
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        result = refreshers_send_digests(today=today, batch_size=args.batch)
        t_sweep = time.perf_counter() - t0
    n_people = result["people"]
    per_batch: list[int] = []
    for q in queries.captured_queries:
        if 'FROM "orgs_person"' in q["sql"]:
            per_batch.append(0)
        if per_batch and not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")):
            per_batch[-1] += 1
    batches = -(-n_people // args.batch)
    out = {
        "backend": connection.vendor,
        "people": n_people,
        "cards": generated["cards"],
        "due_cards": generated["due"],
        "digests": OutboxMessage.objects.filter(kind="refresher_digest").count(),
        "batch_size": args.batch,
        "batches": batches,
        "queries": len(queries),
        "batches_seen": len(per_batch),
        # Statements per batch, transaction control aside; the last, empty batch dropped.
        "queries_per_batch": sorted(set(per_batch[:-1])),
        "sweep_seconds": round(t_sweep, 2),
        "generate_seconds": round(t_generate, 1),
        "due_count_plan": plan.splitlines(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
    }
    print(json.dumps(out, indent=2))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"{connection.vendor}.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
