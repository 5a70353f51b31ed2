"""API writers during a large import, on the embedded SQLite database (WAL, IMMEDIATE
transactions, 20 s busy timeout: the settings `sustain serve` uses).

`writers.py PANEL.csv [WRITERS]` creates a fresh database in a temporary SUSTAIN_DATA_DIR,
the reps the panel names (rep0..repN@bench.example) and an API token, then imports the panel
with `kpi_import` (the code behind the page, the API and `sustain import-kpis`) while WRITERS
threads (default 20) each POST /api/v1/kpis in a loop through Django's request stack until the
import ends. It prints the import's phases, the writes, their latency, and every failed write;
it exits 1 if any write failed (e.g. "database is locked"). `writers.py - [WRITERS]` runs the
writers alone for 20 s: the baseline (SQLite serializes writers; its busy handler is not fair).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time

os.environ["SUSTAIN_DATA_DIR"] = tempfile.mkdtemp(prefix="sustain-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")
os.environ.pop("DATABASE_URL", None)


def main(path: str, writers: int = 20) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from sustain.metrics.services import kpi_import
    from sustain.orgs import services as org_services
    from sustain.orgs.models import Organization, Person, Role

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    reps = 1
    if path != "-":
        with open(path) as handle:
            reps = sum(1 for _ in handle) // 4 // 52 + 1
    org = Organization.objects.create(name="Bench", slug="bench")
    pw = make_password(None)
    Person.objects.bulk_create(
        [
            Person(
                organization=org,
                email=f"rep{i}@bench.example",
                name=f"Rep {i}",
                role=Role.REP,
                password=pw,
            )
            for i in range(reps)
        ]
    )
    analyst = Person.objects.create(
        organization=org, email="ana@bench.example", name="Ana", role=Role.ANALYST, password=pw
    )
    token = org_services.api_token_create(person=analyst)
    connection.close()

    done = threading.Event()
    phases: list[tuple[float, int]] = []
    latencies: list[float] = []
    finished: list[tuple[float, float]] = []  # (when a write ended, how long it took)
    failures: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def run_import() -> None:
        try:
            job = kpi_import(
                organization=org,
                file=path,
                filename=os.path.basename(path),
                source="panel",
                fmt="long",
                progress=lambda p: phases.append((time.perf_counter() - start, p)),
            )
            phases.append((time.perf_counter() - start, 100))
            print(f"import: {job.status}, {job.values_written:,} values")
        finally:
            connection.close()
            done.set()

    def write(n: int) -> None:
        client = Client(headers={"Authorization": f"Bearer {token}"}, raise_request_exception=False)
        i = 0
        try:
            while not done.is_set():
                t = time.perf_counter()
                try:
                    response = client.post(
                        "/api/v1/kpis",
                        {"key": f"w{n}_{i}", "name": f"Writer {n} #{i}"},
                        content_type="application/json",
                    )
                    outcome = "" if response.status_code == 201 else f"HTTP {response.status_code}"
                except Exception as exc:  # a writer must report, not die
                    outcome = f"{type(exc).__name__}: {exc}"
                with lock:
                    latencies.append(time.perf_counter() - t)
                    finished.append((time.perf_counter() - start, time.perf_counter() - t))
                    if outcome:
                        failures.append(outcome)
                i += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    importer = threading.Thread(
        target=run_import if path != "-" else lambda: (time.sleep(20), done.set())
    )
    importer.start()
    for t in threads:
        t.start()
    importer.join()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    parsed = next((s for s, p in phases if p >= 40), took)
    staged = next((s for s, p in phases if p >= 90), took)
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0.0
    print(
        f"import took {took:.1f} s: parse {parsed:.1f} s, stage {staged - parsed:.1f} s, "
        f"swap {took - staged:.1f} s (both in short transactions)"
    )
    for phase, lo, hi in (
        ("parse", 0, parsed),
        ("stage", parsed, staged),
        ("swap", staged, took + 60),
    ):
        during = [d for end, d in finished if lo <= end - d < hi]
        if during:
            print(
                f"  writes started during {phase}: {len(during):,}, max latency {max(during):.2f} s"
            )
    print(
        f"{writers} writers: {len(latencies):,} writes, {len(failures)} failed; latency "
        f"median {ordered[len(ordered) // 2] if ordered else 0:.3f} s, p99 {p99:.2f} s, "
        f"max {ordered[-1] if ordered else 0:.2f} s"
    )
    for failure in sorted(set(failures))[:10]:
        print("  failed:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], *(int(a) for a in sys.argv[2:3])))
