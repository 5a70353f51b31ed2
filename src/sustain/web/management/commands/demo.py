from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sustain.demo.builder import MIN_REPS, build_demo, demo_exists, format_logins
from sustain.demo.context import DEMO_SLUG
from sustain.demo.core import CORE_REPS
from sustain.orgs.models import Organization


class Command(BaseCommand):
    help = "Load the demo organization (once), then print one login per role."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete and rebuild the demo.")
        parser.add_argument(
            "--reps",
            type=int,
            default=CORE_REPS,
            help=(
                f"How many reps (default {CORE_REPS}, at least {MIN_REPS}): past {CORE_REPS}, "
                "more teams, regions and managers with their reps' enrollments, KPI values, "
                "observations and refresher cards, built in bulk (for benchmarks)."
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load it into a database that has no organization yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reps"] < MIN_REPS:
            raise CommandError(f"--reps: at least {MIN_REPS} (one rep per team).")
        if options["reset"]:
            Organization.objects.filter(slug=DEMO_SLUG).delete()
        if options["if_empty"] and Organization.objects.exists() and not demo_exists():
            self.stdout.write("The database has data already; the demo was not loaded.")
            return
        if not demo_exists():
            self.stdout.write("Loading the demo organization…")
            build_demo(reps=options["reps"])
        self.stdout.write("Demo logins:")
        self.stdout.write(format_logins())
