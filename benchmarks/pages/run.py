"""Every role's pages at a given size: builds the demo with `--reps N` (sustain demo's scale
knob) into a fresh SQLite file (or the PostgreSQL of DATABASE_URL), then, for each role's
printed login, opens every page of the site (`sustain.demo.pages`, the URLconf walked)
that answers her 200, REPEAT times, and prints p50/p95 milliseconds and the query count
per page, with the build time.

    .venv/bin/python benchmarks/pages/run.py [REPS ...] [--repeat R]
    scripts/pg-throwaway .venv/bin/python benchmarks/pages/run.py [REPS ...]
    DATABASE_URL=sqlite:////tmp/big.sqlite3 .venv/bin/python benchmarks/pages/run.py --existing

`--existing` measures the demo already in DATABASE_URL instead of building one (a
100,000-rep build takes 15 minutes; build it once with `sustain demo --reps 100000`). It
signs in, so it writes sessions: point it at a copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sustain.demo.context import DemoContext

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")

ROLES = ["admin", "executive", "owner", "analyst", "manager", "rep", "trainer"]
GOAL_MS = 300


def _create_pg_database(url: str) -> None:
    """scripts/pg-throwaway starts a server without the database its URL names."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def _built_demo() -> DemoContext:
    """The context of a demo already in DATABASE_URL (`--existing`)."""
    from sustain.demo.builder import demo_logins
    from sustain.demo.context import DEMO_SLUG, DemoContext
    from sustain.orgs.models import Organization, Person

    org = Organization.objects.get(slug=DEMO_SLUG)
    return DemoContext(
        today=dt.date.today(),
        rng=random.Random(0),
        org=org,
        program=org.programs.order_by("pk").first(),  # type: ignore[arg-type]
        logins={role: Person.objects.get(email=email) for role, email in demo_logins()},
    )


def measure(reps: int, repeat: int, *, existing: bool = False) -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sustain.demo.builder import build_demo
    from sustain.demo.pages import page_urls
    from sustain.orgs.models import Person

    started = time.perf_counter()
    ctx = _built_demo() if existing else build_demo(reps=reps)
    if existing:
        reps = Person.objects.filter(organization=ctx.org, role="rep").count()
    build = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    urls = page_urls(ctx)
    rows = []
    for role in ROLES:
        client = Client()
        client.force_login(Person.objects.get(pk=ctx.logins[role].pk))
        for url in urls:
            if client.get(url).status_code != 200:  # also warms per-process caches
                continue
            times = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
            rows.append(
                {
                    "role": role,
                    "url": url,
                    "p50": round(statistics.median(times), 1),
                    "p95": round(_p95(times), 1),
                    "queries": len(queries),
                }
            )
    return {"reps": reps, "vendor": connection.vendor, "build_s": round(build, 1), "pages": rows}


def _fresh_database(reps: int) -> str:
    """A new database per size: the demo's people cannot be deleted (their observations
    are kept), so each size starts empty."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        url = f"{url.rsplit('/', 1)[0]}/pages_{reps}"
        _create_pg_database(url)
        return url
    return f"sqlite:///{tempfile.mktemp(suffix=f'-{reps}.sqlite3')}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("reps", nargs="*", type=int, default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the demo already in DATABASE_URL (built by `sustain demo --reps N`)",
    )
    args = parser.parse_args()
    if args.existing:
        args.one = True
    if not args.one:  # one process per size, each on its own fresh database
        for reps in args.reps:
            env = {**os.environ, "DATABASE_URL": _fresh_database(reps)}
            command = [sys.executable, __file__, str(reps), "--one", "--repeat", str(args.repeat)]
            if args.json:
                command += ["--json", f"{args.json.removesuffix('.json')}-{reps}.json"]
            subprocess.run(command, env=env, check=True)
        return
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.disable(logging.CRITICAL)  # refused pages (403, 405) log a traceback each
    call_command("migrate", verbosity=0)
    result = measure(args.reps[0], args.repeat, existing=args.existing)
    pages = result["pages"]
    slow = [p for p in pages if p["p95"] > GOAL_MS]
    print(
        f"\n## {result['reps']:,} reps on {result['vendor']}: demo built in "
        f"{result['build_s']} s; {len(pages)} role-page pairs; p95 over {GOAL_MS} ms: {len(slow)}"
    )
    print("| role | page | p50 ms | p95 ms | queries |\n|---|---|---:|---:|---:|")
    for p in sorted(pages, key=lambda p: -p["p95"]):
        print(f"| {p['role']} | {p['url']} | {p['p50']} | {p['p95']} | {p['queries']} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
