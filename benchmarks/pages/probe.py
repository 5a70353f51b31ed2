"""One request per page (after a warm-up) on a demo already built in DATABASE_URL, e.g. by
`sustain demo --reps 100000`: the 100,000-rep probe of README.md.

    DATABASE_URL=sqlite:////tmp/big.sqlite3 .venv/bin/python benchmarks/pages/probe.py
    DATABASE_URL=... .venv/bin/python benchmarks/pages/probe.py owner:/people/ rep:/

With ROLE:URL arguments, only those pages; ROLE is rep or manager (the printed logins) or
any role name (its first person). `{program}` and `{rep}` in a URL are the demo's program
and printed rep.
"""

from __future__ import annotations

import logging
import os
import sys
import time

PAGES = [
    "rep:/", "rep:/plans/me/", "rep:/refreshers/",
    "manager:/", "manager:/coaching/reps/{rep}/", "manager:/plans/team/",
    "owner:/", "owner:/programs/", "owner:/people/", "owner:/programs/{program}/",
    "owner:/readiness/{program}/", "owner:/coaching/program/{program}/",
    "owner:/certification/program/{program}/", "owner:/refreshers/program/{program}/",
    "owner:/plans/program/{program}/", "owner:/health/program/{program}/fade/",
    "executive:/", "executive:/teams/", "executive:/alerts/",
    "executive:/adoption/program/{program}/", "executive:/analysis/programs/{program}/report/",
    "admin:/",
]  # fmt: skip


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sustain.config.settings.local")
    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sustain.demo.core import PRINTED_MANAGER, PRINTED_REP
    from sustain.orgs.models import Person

    people = Person.objects.filter(organization__slug="northwind")
    rep = people.get(name=PRINTED_REP)
    program = rep.enrollments.values_list("program_id", flat=True).order_by("program_id").first()
    printed = {"rep": PRINTED_REP, "manager": PRINTED_MANAGER}
    clients: dict[str, Client] = {}
    print("| role | page | status | ms | queries |\n|---|---|---:|---:|---:|")
    for spec in sys.argv[1:] or PAGES:
        role, url = spec.split(":", 1)
        url = url.format(program=program, rep=rep.pk)
        if role not in clients:
            person = (
                people.get(name=printed[role])
                if role in printed
                else people.filter(role=role).first()
            )
            clients[role] = Client()
            clients[role].force_login(person)
        client = clients[role]
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            ms = (time.perf_counter() - started) * 1000
        print(
            f"| {role} | {url} | {response.status_code} | {ms:.0f} | {len(queries)} |", flush=True
        )


if __name__ == "__main__":
    main()
