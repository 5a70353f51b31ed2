"""Imports the generated roster into a fresh SQLite file with `roster_import` (the code of
the page, the API and `sustain import-people`), timing and counting queries.

    .venv/bin/python benchmarks/roster/run.py /tmp/roster.csv
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")


def main(path: str = "/tmp/roster.csv") -> None:
    db = tempfile.mktemp(suffix=".sqlite3")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sustain.orgs.models import Organization, Person, Role
    from sustain.roster.services import BATCH, roster_import

    call_command("migrate", verbosity=0)
    org = Organization.objects.create(name="Bench", slug="bench")
    Person.objects.create(organization=org, email="admin@bench.example", name="A", role=Role.ADMIN)
    data = open(path, "rb").read()
    lines = data.decode().splitlines()
    # The second export: 10% renamed, 500 reps gone (they left the company).
    reader = list(csv.reader(lines))
    gone = {i for i, row in enumerate(reader) if row[3] == "rep"}
    gone = set(sorted(gone)[-500:])
    changed = [reader[0]]
    for i, row in enumerate(reader[1:], start=1):
        if i in gone:
            continue
        if i % 10 == 5 and row[3] == "rep":
            row = [*row[:1], row[1] + " Jr.", *row[2:]]
        changed.append(row)
    changed.append(["X", "Admin", "admin@bench.example", "admin", "", "", "", ""])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(changed)
    second = buffer.getvalue().encode()
    data = data.rstrip(b"\n") + b"\nX,Admin,admin@bench.example,admin,,,,\n"

    runs = [
        ("dry run of the first import", data, {"dry_run": True}),
        ("first import", data, {}),
        ("same file again (all unchanged)", data, {}),
        ("10% changed, 500 gone, deactivate_missing", second, {"deactivate_missing": True}),
    ]
    print(f"{len(lines) - 1:,} people in the file; batches of {BATCH}")
    for label, payload, options in runs:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = roster_import(organization=org, data=payload, filename="roster.csv", **options)
            took = time.perf_counter() - start
        print(
            f"{label}: {took:.1f} s, {len(queries.captured_queries)} queries — "
            f"created {result.created:,}, updated {result.updated:,}, "
            f"unchanged {result.unchanged:,}, deactivated {result.deactivated:,}"
        )
    os.unlink(db)


if __name__ == "__main__":
    main(*sys.argv[1:2])
