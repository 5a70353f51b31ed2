"""One page, profiled: one warm-up request, then one request under cProfile, on a demo
already built in DATABASE_URL (e.g. by `sustain demo --reps 100000`). Prints the status,
the milliseconds, the query count and cProfile's cumulative top N (env N, default 45).

    DATABASE_URL=sqlite:////tmp/big.sqlite3 .venv/bin/python benchmarks/pages/profile_page.py owner /people/

ROLE is rep or manager (the printed logins) or any role name (its first person).
"""

from __future__ import annotations

import cProfile
import logging
import os
import pstats
import sys
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

    role, url = sys.argv[1], sys.argv[2]
    people = Person.objects.filter(organization__slug="northwind")
    printed = {"rep": PRINTED_REP, "manager": PRINTED_MANAGER}
    person = people.get(name=printed[role]) if role in printed else people.filter(role=role).first()
    client = Client()
    client.force_login(person)
    client.get(url)
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profile.enable()
        response = client.get(url)
        profile.disable()
        ms = (time.perf_counter() - started) * 1000
    print(f"{role} {url}: {response.status_code} in {ms:.0f} ms, {len(queries)} queries")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(int(os.environ.get("N", "45")))


if __name__ == "__main__":
    main()
