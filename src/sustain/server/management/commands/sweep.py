"""`sustain sweep NAME…`: run periodic sweeps now, in this process, instead of waiting for
the workers' schedule (after an upgrade that adds stored figures, say)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sustain.notify.periodic import SWEEPS, run_sweep

# Sweeps that only recount stored figures: no message leaves, safe to run any time.
FIGURES = (
    "refresher-totals-daily",
    "certification-refresh",
    "coaching-summary-daily",
    "kirkpatrick-daily",
)


class Command(BaseCommand):
    help = (
        "Run periodic sweeps now, in this process (the workers run them on their schedule). "
        "--figures recounts every stored figure (retention totals, certification cadence, "
        "coaching and Kirkpatrick summaries) and sends nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", metavar="NAME", help="sweeps to run")
        parser.add_argument("--figures", action="store_true", help=f"the sweeps {FIGURES}")
        parser.add_argument("--list", action="store_true", help="list the sweeps and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        known = {name: interval for name, _path, interval in SWEEPS}
        if options["list"]:
            for name, interval in known.items():
                self.stdout.write(f"{name}\tevery {interval}")
            return
        names = [*options["names"], *(FIGURES if options["figures"] else ())]
        if not names:
            raise CommandError("Name the sweeps to run, or --figures (--list shows them).")
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise CommandError(f"No sweep named {', '.join(unknown)} (--list shows them).")
        for name in dict.fromkeys(names):
            start = time.perf_counter()
            result = run_sweep(name)
            seconds = time.perf_counter() - start
            self.stdout.write(f"{name}: {result!r} ({seconds:.1f} s)")
