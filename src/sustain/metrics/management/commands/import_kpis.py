"""`sustain import-kpis FILE [--source panel|salesforce|hubspot] [--org SLUG] [--format wide|long]
[--dry-run] [--replace]`, `sustain import-kpis --apply ID [--replace]`,
`sustain import-kpis --undo ID`: the same preview, confirmation and undo as the upload page
and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sustain.metrics.importer import ImportRejected
from sustain.metrics.models import ImportJob, JobStatus, Source
from sustain.metrics.services import import_job_apply, import_job_undo, kpi_import
from sustain.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Import a KPI panel (CSV/XLSX/Parquet, wide or long) or a Salesforce/HubSpot export; "
        "preview it (--dry-run), confirm replacing stored values (--replace), apply a "
        "preview (--apply ID) or undo an import (--undo ID)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--source", choices=Source.values, default=Source.PANEL)
        parser.add_argument("--org", help="Organization slug (needed when there are several).")
        parser.add_argument(
            "--format",
            choices=["wide", "long"],
            default=None,
            help="Panel layout; guessed from the header when omitted.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Confirm replacing values already stored."
        )
        parser.add_argument("--apply", type=int, metavar="ID", help="Apply a previewed import.")
        parser.add_argument("--undo", type=int, metavar="ID", help="Undo an applied import.")
        parser.add_argument(
            "--max-errors", type=int, default=20, help="Errors listed at most (default 20)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["undo"] or options["apply"]:
            self._existing(options)
            return
        path: Path | None = options["file"]
        if path is None:
            raise CommandError("Give a FILE to import, or --apply ID, or --undo ID.")
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        org = self._organization(options["org"])
        try:
            job = kpi_import(
                organization=org,
                file=path,
                filename=path.name,
                source=options["source"],
                fmt=options["format"],
                dry_run=options["dry_run"],
                replace=options["replace"],
            )
        except ImportRejected as exc:
            limit = max(options["max_errors"], 0)
            for error in exc.errors[:limit]:
                self.stderr.write(str(error))
            if exc.total > limit:
                self.stderr.write(f"... and {exc.total - min(limit, len(exc.errors))} more.")
            raise CommandError(
                f"{exc.total} error(s); nothing was imported. Fix the file and run again."
            ) from None
        self._report(job)
        if job.status == JobStatus.PREVIEW and not job.dry_run:
            replaced = sum(k.get("replaced", 0) for k in job.preview.get("kpis", []))
            raise CommandError(
                f"Nothing imported: {replaced} stored value(s) would be replaced. Run again "
                f"with --replace, or apply this preview: sustain import-kpis --apply {job.pk} "
                "--replace"
            )

    def _existing(self, options: dict[str, Any]) -> None:
        pk = options["undo"] or options["apply"]
        job = ImportJob.objects.select_related("organization").filter(pk=pk).first()
        if job is None or (options["org"] and job.organization.slug != options["org"]):
            raise CommandError(f"No import #{pk}.")
        try:
            if options["undo"]:
                import_job_undo(job=job)
                self.stdout.write(f"Import #{job.pk} ({job.filename}) undone.")
            else:
                import_job_apply(job=job, replace=options["replace"])
                self._report(job)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _report(self, job: ImportJob) -> None:
        preview = job.preview or {}
        for note in preview.get("notes", []):
            self.stdout.write(note)
        self.stdout.write(f"{'KPI':<24} {'rows':>9} {'new':>9} {'replaced':>9} {'same':>9}")
        for k in preview.get("kpis", []):
            self.stdout.write(
                f"{k['name'][:24]:<24} {k.get('rows', 0):>9} {k.get('new', 0):>9} "
                f"{k.get('replaced', 0):>9} {k.get('unchanged', 0):>9}"
            )
        for skip in preview.get("skipped", []):
            rows = ", ".join(str(r) for r in skip["rows"])
            more = ", ..." if skip["count"] > len(skip["rows"]) else ""
            self.stdout.write(f"Skipped {skip['count']}: {skip['reason']} (rows {rows}{more})")
        if job.status == JobStatus.DONE:
            self.stdout.write(
                f"Imported {job.values_written} values from {job.rows_read} rows as import "
                f"#{job.pk} (undo: sustain import-kpis --undo {job.pk})."
            )
        elif job.dry_run:
            self.stdout.write(
                f"Dry run #{job.pk}: nothing written. Apply it: sustain import-kpis --apply "
                f"{job.pk} [--replace]"
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
