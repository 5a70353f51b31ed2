"""`sustain import-calls DIR --program ID [--date YYYY-MM-DD]`: every transcript in a folder
(.vtt, .srt, .json, .txt), the rep found among the program's enrolled reps by the speakers'
names or emails, the call's date from a YYYY-MM-DD in the file name or --date. All files
or none: the first bad one is named with its line and nothing is stored."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sustain.adoption import parsers, services
from sustain.programs.models import Program

SUFFIXES = {".vtt", ".srt", ".json", ".txt"}
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


class Command(BaseCommand):
    help = "Import a folder of call transcripts for a program's reps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--program", type=int, required=True)
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(
        self, *args: object, folder: Path, program: int, date: dt.date | None, **_: object
    ) -> None:
        the_program = Program.objects.filter(pk=program).first()
        if the_program is None:
            raise CommandError(f"No program #{program}.")
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
        if not files:
            raise CommandError(f"No .vtt, .srt, .json or .txt transcripts in {folder}.")
        by_date: dict[dt.date, list[services.Upload]] = {}
        for path in files:
            if path.stat().st_size > parsers.MAX_BYTES:
                raise CommandError(
                    f"{path.name}: the file is over {parsers.MAX_BYTES // 2**20} MB."
                )
            found = _DATE.search(path.name)
            day = date
            if found:
                try:
                    day = dt.date.fromisoformat(found.group(1))
                except ValueError:
                    raise CommandError(f"{path.name}: “{found.group(1)}” is not a date.") from None
            by_date.setdefault(day or timezone.localdate(), []).append(
                services.Upload(path.name, path.read_bytes())
            )
        created = []
        try:
            from django.db import transaction

            with transaction.atomic():
                for day, uploads in by_date.items():
                    created += services.calls_create(
                        uploaded_by=None, program=the_program, rep=None, date=day, uploads=uploads
                    )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"Imported {len(created)} call(s) into {the_program.name}; scoring them.")
