from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sustain.refreshers.services import retention_totals_refresh_all


class Command(BaseCommand):
    help = (
        "Store the refresher retention totals of every program with answers now, instead "
        "of waiting for the daily sweep (which does the same). Safe to run any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        weeks = retention_totals_refresh_all()
        self.stdout.write(f"{weeks} complete weeks stored.")
