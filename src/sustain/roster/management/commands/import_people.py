"""`sustain import-people FILE [--dry-run] [--deactivate-missing] [--org ID]`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sustain.exports.management.commands.export import organization_from_option
from sustain.roster.services import RosterRejected, roster_import


class Command(BaseCommand):
    help = "Import the roster (CSV or XLSX HRIS/CRM user export): upsert people by email."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--org", help="Organization id or slug (needed when there are several)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; write nothing."
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate the active people who are not in the file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        org = organization_from_option(options["org"])
        try:
            result = roster_import(
                organization=org,
                data=path.read_bytes(),
                filename=path.name,
                dry_run=options["dry_run"],
                deactivate_missing=options["deactivate_missing"],
            )
        except RosterRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"{path.name}, {error}")
            raise CommandError(f"{len(exc.errors)} error(s); nothing was imported.") from None
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.deactivated} deactivated."
        )
