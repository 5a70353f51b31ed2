"""Imports the generated panel into a fresh SQLite file with `kpi_import` and times it."""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")


def main(path: str = "benchmarks/import/panel.csv") -> None:
    db = tempfile.mktemp(suffix=".sqlite3")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from sustain.metrics.models import KpiValue
    from sustain.metrics.services import kpi_import
    from sustain.orgs.models import Organization, Person, Role

    call_command("migrate", verbosity=0)
    org = Organization.objects.create(name="Bench", slug="bench")
    pw = make_password(None)
    reps = int(os.environ.get("BENCH_REPS", "4808"))
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
    for attempt in ("first import", "re-import (replaces)"):
        start = time.perf_counter()
        summary = kpi_import(
            organization=org, file=path, filename=os.path.basename(path), source="panel", fmt="long"
        )
        took = time.perf_counter() - start
        print(
            f"{attempt}: {summary.rows_read:,} rows, {summary.values_written:,} values "
            f"in {took:.1f} s; stored {KpiValue.objects.count():,}"
        )
    os.unlink(db)


if __name__ == "__main__":
    main(*sys.argv[1:2])
