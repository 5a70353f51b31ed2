"""One request per page (after a warm-up) on a demo already built in DATABASE_URL, e.g. by
`sustain demo --reps 100000`: the 100,000-rep probe of README.md.

    DATABASE_URL=sqlite:////tmp/big.sqlite3 .venv/bin/python benchmarks/pages/probe.py
"""

from __future__ import annotations

import logging
import os
import time


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
    pages = {
        rep: ["/", "/plans/me/", "/refreshers/"],
        people.get(name=PRINTED_MANAGER): ["/", f"/coaching/reps/{rep.pk}/", "/plans/team/"],
        people.filter(role="owner").first(): ["/", "/programs/", "/people/"],
        people.filter(role="executive").first(): ["/", "/teams/", "/alerts/"],
    }
    print("| role | page | status | ms | queries |\n|---|---|---:|---:|---:|")
    for person, urls in pages.items():
        client = Client()
        client.force_login(person)
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                ms = (time.perf_counter() - started) * 1000
            print(f"| {person.role} | {url} | {response.status_code} | {ms:.0f} | {len(queries)} |")


if __name__ == "__main__":
    main()
