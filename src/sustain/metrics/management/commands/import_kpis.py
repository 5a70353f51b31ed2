"""`sustain import-kpis FILE --source salesforce|hubspot|panel [--org SLUG] [--format wide|long]`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sustain.metrics.importer import ImportRejected
from sustain.metrics.services import kpi_import
from sustain.orgs.models import Organization


class Command(BaseCommand):
    help = "Import a KPI panel (CSV/Parquet, wide or long) or a Salesforce/HubSpot export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", choices=["panel", "salesforce", "hubspot"], default="panel")
        parser.add_argument("--org", help="Organization slug (needed when there are several).")
        parser.add_argument(
            "--format",
            choices=["wide", "long"],
            default=None,
            help="Panel layout; guessed from the header when omitted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        org = self._organization(options["org"])
        try:
            summary = kpi_import(
                organization=org,
                file=path,
                filename=path.name,
                source=options["source"],
                fmt=options["format"],
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            n = len(exc.errors)
            raise CommandError(f"{n} rejected row(s); nothing was imported.") from None
        self.stdout.write(
            f"Imported {summary.values_written} values ({', '.join(summary.kpis)}) from "
            f"{summary.rows_read} rows, {summary.first_period} to {summary.last_period}."
        )

    def _organization(self, slug: str | None) -> Organization:
        orgs = Organization.objects.all()
        if slug:
            org = orgs.filter(slug=slug).first()
            if org is None:
                raise CommandError(f"No organization with slug {slug!r}.")
            return org
        if orgs.count() != 1:
            raise CommandError("Several organizations exist: pass --org SLUG.")
        return orgs.get()
