"""`sustain export --org ID OUT.zip`: the whole organization as one zip (docs/export.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sustain.exports.exporter import describe, organization_export
from sustain.orgs.models import Organization


class Command(BaseCommand):
    help = "Export an organization as a zip of CSV files with a JSON manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, nargs="?", help="The zip file to write.")
        parser.add_argument(
            "--org", help="Organization id or slug (needed when there are several)."
        )
        parser.add_argument(
            "--describe", action="store_true", help="Print the table list of docs/export.md."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["describe"]:
            self.stdout.write(describe(), ending="")
            return
        out: Path | None = options["out"]
        if out is None:
            raise CommandError("Give the zip file to write: sustain export --org ID OUT.zip")
        org = organization_from_option(options["org"])
        with out.open("wb") as file:
            manifest = organization_export(organization=org, out=file)
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"Exported {org.name}: {len(manifest['tables'])} tables, {rows} rows, to {out}."
        )


def organization_from_option(value: str | None) -> Organization:
    orgs = Organization.objects.all()
    if value:
        org = orgs.filter(pk=int(value)).first() if value.isdigit() else None
        org = org or orgs.filter(slug=value).first()
        if org is None:
            raise CommandError(f"No organization {value!r}.")
        return org
    if orgs.count() != 1:
        raise CommandError("Give the organization: --org ID (several or none exist).")
    return orgs.get()
