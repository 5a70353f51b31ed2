"""Writes to the KPI store: definitions, saved column mappings and imports."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sustain.lib import tabular
from sustain.lib.services import model_create, model_update
from sustain.metrics import importer
from sustain.metrics.importer import ImportRejected, RepLookup, RowError
from sustain.metrics.models import (
    Direction,
    ImportJob,
    ImportMapping,
    JobStatus,
    KpiDefinition,
    KpiUnit,
    KpiValue,
    RepAttribute,
    Source,
    StagedValue,
)
from sustain.orgs.models import Organization, Person

# The KPIs a CRM export produces, created on first use.
STANDARD_KPIS: dict[str, dict[str, Any]] = {
    "revenue": {
        "name": "Revenue",
        "unit": KpiUnit.CURRENCY,
        "direction": Direction.UP,
        "monetary": True,
    },
    "wins": {"name": "Deals won", "unit": KpiUnit.COUNT, "direction": Direction.UP},
    "win_rate": {"name": "Win rate", "unit": KpiUnit.RATIO, "direction": Direction.UP},
    "cycle_days": {"name": "Sales cycle", "unit": KpiUnit.DAYS, "direction": Direction.DOWN},
    # Read by plans.selectors.attainment_periods (the below-quota rule): 1.0 = 100% of quota.
    "attainment": {"name": "Quota attainment", "unit": KpiUnit.RATIO, "direction": Direction.UP},
}


def kpi_definition_create(
    *,
    organization: Organization,
    key: str,
    name: str,
    unit: str = KpiUnit.NUMBER,
    direction: str = Direction.UP,
    monetary: bool = False,
) -> KpiDefinition:
    if KpiDefinition.objects.filter(organization=organization, key=key).exists():
        raise ValidationError({"key": "A KPI with this key already exists."})
    return model_create(
        KpiDefinition,
        organization=organization,
        key=key,
        name=name,
        unit=unit,
        direction=direction,
        monetary=monetary,
    )


@transaction.atomic
def kpi_definition_update(*, kpi: KpiDefinition, data: Mapping[str, object]) -> KpiDefinition:
    """What a KPI means: its name, unit, direction (higher or lower is better), whether it is
    money and in which currency. Pages and reports write its effects with these."""
    data = dict(data)
    if "currency" in data:
        code = str(data["currency"] or "").strip().upper()
        if code and not (len(code) == 3 and code.isalpha()):
            raise ValidationError({"currency": "Use a three-letter ISO 4217 code, e.g. USD."})
        data["currency"] = code
    return model_update(
        instance=kpi, data=data, fields=["name", "unit", "direction", "monetary", "currency"]
    )


def kpi_key(text: str) -> str:
    return importer.kpi_key(text)


def _ensure_kpis(
    organization: Organization,
    keys: Iterable[str],
    described: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, int]:
    """Ids of the KPIs named in a file, creating those not defined yet (named as their
    header was written, with the unit and currency the file showed)."""
    keys = set(keys)
    described = described or {}
    existing = dict(
        KpiDefinition.objects.filter(organization=organization, key__in=keys).values_list(
            "key", "id"
        )
    )
    missing = []
    for k in sorted(keys - existing.keys()):
        fields = dict(STANDARD_KPIS.get(k, {}))
        about = described.get(k, {})
        fields.setdefault("name", about.get("name") or k.replace("_", " ").capitalize())
        if about.get("unit") and about["unit"] != KpiUnit.NUMBER:
            fields.setdefault("unit", about["unit"])
        if about.get("currency"):
            fields["currency"] = about["currency"]
            fields.setdefault("unit", KpiUnit.CURRENCY)
            fields.setdefault("monetary", True)
        missing.append(KpiDefinition(organization=organization, key=k, **fields))
    for kpi in KpiDefinition.objects.bulk_create(missing):
        existing[kpi.key] = kpi.pk
    if any(v is None for v in existing.values()):  # backends without RETURNING
        existing = dict(
            KpiDefinition.objects.filter(organization=organization, key__in=keys).values_list(
                "key", "id"
            )
        )
    return existing


MAPPING_FIELDS = (
    "number_format",
    "date_order",
    "encoding",
    "delimiter",
    "blanks_are_no_data",
    "currency",
)


@transaction.atomic
def import_mapping_save(
    *,
    organization: Organization,
    source: str,
    columns: Mapping[str, Any],
    **options: Any,
) -> ImportMapping:
    """Save a source's mapping: `columns` (field -> header as written; `kpis` lists the
    columns or KPI names to import) and any of MAPPING_FIELDS; settings not given keep
    their saved value."""
    if source not in Source.values:
        raise ValidationError({"source": f"Unknown source {source!r}."})
    allowed = set(importer.DEFAULT_COLUMNS[source]) | {"kpis"}
    unknown = set(columns) - allowed
    if unknown:
        raise ValidationError(
            {
                "columns": f"Unknown fields: {', '.join(sorted(unknown))}; "
                f"expected some of {', '.join(sorted(allowed))}."
            }
        )
    bad_options = set(options) - set(MAPPING_FIELDS)
    if bad_options:
        raise ValidationError({"__all__": f"Unknown settings: {', '.join(sorted(bad_options))}."})
    kpis = columns.get("kpis") or []
    if isinstance(kpis, str):
        kpis = [k.strip() for k in kpis.split(",") if k.strip()]
    if not isinstance(kpis, list) or not all(isinstance(k, str) for k in kpis):
        raise ValidationError({"columns": "kpis must be a list of column names."})
    cleaned: dict[str, Any] = {
        k: str(v).strip() for k, v in columns.items() if k != "kpis" and v and str(v).strip()
    }
    if kpis:
        cleaned["kpis"] = kpis
    mapping = ImportMapping.objects.filter(organization=organization, source=source).first()
    mapping = mapping or ImportMapping(organization=organization, source=source)
    mapping.columns = cleaned
    for name, value in options.items():
        setattr(mapping, name, value.upper() if name == "currency" else value)
    if mapping.encoding:
        try:
            codecs.lookup(mapping.encoding)
        except LookupError:
            raise ValidationError({"encoding": f"Unknown encoding {mapping.encoding!r}."}) from None
    if mapping.currency and not re.fullmatch(r"[A-Z]{3}", mapping.currency):
        raise ValidationError({"currency": "An ISO 4217 code, e.g. USD or EUR."})
    mapping.updated_at = timezone.now()
    mapping.full_clean()
    mapping.save()
    return mapping


def mapping_settings(organization: Organization, source: str) -> importer.Settings:
    saved = ImportMapping.objects.filter(organization=organization, source=source).first()
    if saved is None:
        return importer.Settings()
    columns = dict(saved.columns or {})
    kpis = columns.pop("kpis", []) or []
    return importer.Settings(
        columns={k: str(v) for k, v in columns.items()},
        kpis=tuple(kpis),
        locale=tabular.Locale(number_format=saved.number_format, date_order=saved.date_order),
        encoding=saved.encoding,
        delimiter=saved.delimiter,
        blanks_are_no_data=saved.blanks_are_no_data,
        currency=saved.currency,
    )


def kpi_rules(organization: Organization) -> dict[str, importer.KpiRule]:
    rules = {}
    for d in KpiDefinition.objects.filter(organization=organization):
        rules[d.key] = importer.KpiRule(
            key=d.key,
            name=d.name,
            unit=d.unit,
            min_value=d.min_value,
            max_value=d.max_value,
            allow_negative=d.allow_negative,
            currency=d.currency,
        )
    for key, fields in STANDARD_KPIS.items():
        rules.setdefault(key, importer.KpiRule(key=key, name=fields["name"], unit=fields["unit"]))
    return rules


def rep_lookup(organization: Organization) -> RepLookup:
    people = Person.objects.filter(organization=organization).values_list(
        "pk", "email", "external_id", "name"
    )
    return RepLookup(list(people))


def kpi_import(
    *,
    organization: Organization,
    file: str | Path | IO[bytes] | bytes,
    filename: str,
    source: str,
    fmt: str | None = None,
    mapping: importer.Settings | Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    created_by: Person | None = None,
    dry_run: bool = False,
    replace: bool = False,
) -> ImportJob:
    """Import a file now (the command line, benchmarks): records an ImportJob and runs it.
    It ends `done`, or `preview` when `dry_run` or when it would replace stored values
    without `replace`. Raises ImportRejected (the job is recorded `failed`)."""
    if source not in Source.values:
        raise ImportRejected([RowError(filename, 0, "", source, "unknown source")])
    job = ImportJob.objects.create(
        organization=organization,
        created_by=created_by,
        source=source,
        format=fmt or "",
        filename=Path(filename).name,
        dry_run=dry_run,
    )
    import_job_run(job=job, file=file, replace=replace, progress=progress, mapping=mapping)
    if job.status == JobStatus.FAILED:
        raise ImportRejected(
            [RowError(**e) for e in job.errors] or [RowError(job.filename, 0, "", "", "failed")],
            job.error_count,
        )
    return job


# Import jobs: parse, stage, preview, apply, undo -------------------------------------------


@transaction.atomic
def import_job_create(
    *,
    organization: Organization,
    created_by: Person | None,
    source: str,
    filename: str,
    content: Any,
    fmt: str = "",
    dry_run: bool = False,
) -> ImportJob:
    from django.core.files.base import ContentFile

    if source not in Source.values:
        raise ValidationError({"source": f"Unknown source {source!r}."})
    if fmt and fmt not in importer.PANEL_FORMATS:
        raise ValidationError({"format": "Format must be wide or long."})
    if Path(filename).suffix.lower() not in tabular.SUFFIXES:
        raise ValidationError({"file": f"Upload a file ending in {', '.join(tabular.SUFFIXES)}."})
    job = ImportJob(
        organization=organization,
        created_by=created_by,
        source=source,
        format=fmt,
        filename=Path(filename).name,
        dry_run=dry_run,
    )
    job.file.save(
        Path(filename).name,
        content if hasattr(content, "read") or hasattr(content, "chunks") else ContentFile(content),
        save=False,
    )
    job.full_clean()
    job.save()
    from sustain.metrics.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def _job_progress(job: ImportJob, percent: int) -> None:
    job.progress = max(0, min(percent, 99))
    ImportJob.objects.filter(pk=job.pk).update(progress=job.progress, heartbeat_at=timezone.now())


JOB_FIELDS = [
    "status",
    "error_count",
    "errors",
    "rows_read",
    "values_written",
    "progress",
    "finished_at",
    "preview",
    "applied_at",
]


def _settings(
    organization: Organization, source: str, mapping: importer.Settings | Mapping[str, Any] | None
) -> importer.Settings:
    if mapping is None:
        return mapping_settings(organization, source)
    if isinstance(mapping, importer.Settings):
        return mapping
    kpis = mapping.get("kpis") or ()
    return importer.Settings(
        columns={k: str(v) for k, v in mapping.items() if k != "kpis"}, kpis=tuple(kpis)
    )


def import_job_run(
    *,
    job: ImportJob,
    file: str | Path | IO[bytes] | bytes | None = None,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    mapping: importer.Settings | Mapping[str, Any] | None = None,
) -> ImportJob:
    """Parse the job's file (or `file`), stage its values and preview them; apply unless the
    job is a dry run or would replace stored values without `replace`. Runs outside a
    transaction: the page polling the job sees its progress, and staging is written in short
    transactions so that other writers are never locked out for long."""
    report = progress or (lambda p: _job_progress(job, p))
    job.status = JobStatus.RUNNING
    job.heartbeat_at = timezone.now()  # renewed by progress; the reaper fails a silent job
    job.save(update_fields=["status", "heartbeat_at"])
    organization = job.organization
    try:
        if file is None:
            with job.file.open("rb") as handle:
                data = handle.read()
        else:
            data = tabular._bytes(file)
        parsed = importer.parse_file(
            data,
            filename=job.filename,
            source=job.source,
            fmt=job.format or None,
            settings=_settings(organization, job.source, mapping),
            reps=rep_lookup(organization),
            kpis=kpi_rules(organization),
            today=timezone.localdate(),
        )
    except ImportRejected as exc:
        job.status = JobStatus.FAILED
        job.error_count = exc.total
        job.errors = [e.as_dict() for e in exc.errors[: importer.MAX_REPORTED]]
        _finish(job)
        return job
    report(40)
    job.rows_read = parsed.rows_read
    try:
        _stage(job, parsed.frame, lambda p: report(40 + p // 2))
    except BaseException:
        StagedValue.objects.filter(job=job).delete()
        raise
    job.preview = {
        **parsed.preview.as_dict(),
        "new_kpis": {
            k: {
                "name": parsed.names.get(k, k),
                "unit": parsed.units.get(k, ""),
                "currency": parsed.currencies.get(k, ""),
            }
            for k in parsed.names
        },
    }
    _count_preview(job)
    if job.dry_run or (_replaced(job) and not replace):
        job.status = JobStatus.PREVIEW
        _finish(job)
        return job
    _apply(job)
    return job


def _finish(job: ImportJob) -> None:
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=JOB_FIELDS)


def _replaced(job: ImportJob) -> int:
    return sum(k.get("replaced", 0) for k in job.preview.get("kpis", []))


STAGE_CHUNK = 25_000
# SQLite's busy handler is not a queue: writers waiting for the lock retry after sleeps of up
# to 100 ms, so an import that begins its next chunk at once would keep the lock. Pausing
# between chunks lets them in.
CHUNK_PAUSE = 0.12


def _yield_lock() -> None:
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(CHUNK_PAUSE)


def _stage(job: ImportJob, frame: pd.DataFrame, report: Callable[[int], None]) -> None:
    """Write the values to the staging table, a short transaction per chunk: a large import
    never holds SQLite's write lock long enough to make another writer wait out its
    timeout. Staged values are invisible to everything but this job."""
    table = StagedValue._meta.db_table
    periods = pd.to_datetime(frame["period"])
    day = (
        periods.dt.strftime("%Y-%m-%d").tolist()
        if connection.vendor == "sqlite"
        else periods.dt.date.tolist()
    )
    rows: list[tuple[Any, ...]] = list(
        zip(
            [job.pk] * len(frame),
            frame["rep_id"].astype("int64").tolist(),
            day,
            frame["kpi"].astype(str).tolist(),
            frame["value"].astype("float64").tolist(),
            strict=True,
        )
    )
    columns = "job_id, rep_id, period, kpi_key, value"
    for start in range(0, len(rows), STAGE_CHUNK):
        chunk = rows[start : start + STAGE_CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)", chunk
                )
        report(100 * (start + len(chunk)) // max(len(rows), 1))
        _yield_lock()


def _tables() -> dict[str, str]:
    return {
        "staged": StagedValue._meta.db_table,
        "value": KpiValue._meta.db_table,
        "kpi": KpiDefinition._meta.db_table,
    }


def _count_preview(job: ImportJob) -> None:
    """Per KPI: how many staged values are new, would replace a different stored value, or
    are already stored as they are."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.kpi_key, COUNT(*), "
            f"SUM(CASE WHEN v.id IS NULL THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN v.id IS NOT NULL AND v.value <> s.value THEN 1 ELSE 0 END) "
            f"FROM {t['staged']} s "
            f"LEFT JOIN {t['kpi']} d ON d.organization_id = %s AND d.key = s.kpi_key "
            f"LEFT JOIN {t['value']} v ON v.kpi_id = d.id AND v.rep_id = s.rep_id "
            f"AND v.period = s.period WHERE s.job_id = %s GROUP BY s.kpi_key",
            [job.organization_id, job.pk],
        )
        counts = {k: (int(n), int(new), int(rep)) for k, n, new, rep in cursor.fetchall()}
    for target in job.preview.get("kpis", []):
        n, new, replaced = counts.get(target["key"], (0, 0, 0))
        target.update(rows=n, new=new, replaced=replaced, unchanged=n - new - replaced)


SWAP_CHUNK = 25_000
STALE_SWAP = dt.timedelta(minutes=2)


def _apply(job: ImportJob) -> None:
    """Swap the staged values in, recording in the journal what each replaced (`existed`
    stays NULL for a new cell). The swap runs in chunks of SWAP_CHUNK rows, each its own
    short transaction of two set-based statements, so other writers wait a moment at most,
    never out their timeout. One swap at a time per organization; a swap that fails is
    rolled back from the journal, and one interrupted by a crash is rolled back by the next
    import or `import_jobs_recover`."""
    org = job.organization_id
    import_jobs_recover(organization_id=org)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=org).first()
        busy = ImportJob.objects.filter(organization_id=org, status=JobStatus.APPLYING)
        if busy.exclude(pk=job.pk).exists():
            raise ValidationError(
                {"status": "Another import is being applied: try again in a minute."}
            )
        new_kpis = job.preview.get("new_kpis", {})
        _ensure_kpis(job.organization, new_kpis, new_kpis)
        for key, about in new_kpis.items():
            if about.get("currency"):
                KpiDefinition.objects.filter(organization_id=org, key=key, currency="").update(
                    currency=about["currency"]
                )
        job.status = JobStatus.APPLYING
        job.applied_through = 0
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "applied_through", "heartbeat_at"])
    ids = StagedValue.objects.filter(job=job).order_by("id").values_list("id", flat=True)
    first, last = ids.first(), ids.last()
    try:
        if first is not None and last is not None:
            for low in range(first, last + 1, SWAP_CHUNK):
                high = min(low + SWAP_CHUNK - 1, last)
                _swap_chunk(job, low, high)
                job.progress = min(99, 90 + 10 * (high - first + 1) // (last - first + 1))
                job.applied_through = high
                job.heartbeat_at = timezone.now()
                ImportJob.objects.filter(pk=job.pk).update(
                    applied_through=high, heartbeat_at=job.heartbeat_at, progress=job.progress
                )
                _yield_lock()
    except BaseException:
        _rollback(job)
        raise
    job.status = JobStatus.DONE
    job.values_written = sum(k.get("rows", 0) for k in job.preview.get("kpis", []))
    job.applied_at = timezone.now()
    _finish(job)
    _values_changed(org)


def _values_changed(organization_id: int) -> None:
    """What reads the stored values and keeps a conclusion of them: whether each running
    90-day plan is mandatory (consistently below quota) is decided again."""
    from sustain.plans import tasks as plan_tasks

    transaction.on_commit(
        lambda: plan_tasks.refresh_mandatory_organization.enqueue(organization_id)
    )


def _swap_chunk(job: ImportJob, low: int, high: int) -> None:
    t = _tables()
    org = job.organization_id
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t['staged']} AS s SET existed = TRUE, old_value = v.value "
            f"FROM {t['value']} v JOIN {t['kpi']} d ON d.id = v.kpi_id "
            f"WHERE s.job_id = %s AND s.id BETWEEN %s AND %s AND d.organization_id = %s "
            f"AND d.key = s.kpi_key AND v.rep_id = s.rep_id AND v.period = s.period",
            [job.pk, low, high, org],
        )
        # WHERE TRUE: SQLite needs it to parse an upsert on a SELECT.
        cursor.execute(
            f"INSERT INTO {t['value']} (rep_id, period, kpi_id, value) "
            f"SELECT s.rep_id, s.period, d.id, s.value FROM {t['staged']} s "
            f"JOIN {t['kpi']} d ON d.organization_id = %s AND d.key = s.kpi_key "
            f"WHERE s.job_id = %s AND s.id BETWEEN %s AND %s AND TRUE "
            f"ON CONFLICT (rep_id, period, kpi_id) DO UPDATE SET value = excluded.value",
            [org, job.pk, low, high],
        )


def _restore(job: ImportJob, through: int | None = None) -> None:
    """Put back what the job's applied rows (all, or those staged up to `through`)
    replaced, and remove what they added, in one transaction."""
    t = _tables()
    org = job.organization_id
    upto = "" if through is None else f" AND s.id <= {int(through)}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {t['value']} WHERE id IN (SELECT v.id FROM {t['staged']} s "
            f"JOIN {t['kpi']} d ON d.organization_id = %s AND d.key = s.kpi_key "
            f"JOIN {t['value']} v ON v.kpi_id = d.id AND v.rep_id = s.rep_id "
            f"AND v.period = s.period WHERE s.job_id = %s AND s.existed IS NULL{upto})",
            [org, job.pk],
        )
        cursor.execute(
            f"UPDATE {t['value']} AS v SET value = s.old_value FROM {t['staged']} s "
            f"JOIN {t['kpi']} d ON d.organization_id = %s AND d.key = s.kpi_key "
            f"WHERE s.job_id = %s AND s.existed = TRUE AND v.kpi_id = d.id "
            f"AND v.rep_id = s.rep_id AND v.period = s.period{upto}",
            [org, job.pk],
        )


def _rollback(job: ImportJob, reason: str = "interrupted while applying") -> None:
    _restore(job, job.applied_through)
    job.status = JobStatus.FAILED
    job.error_count = 1
    job.errors = [
        {
            "file": job.filename,
            "row": 0,
            "column": "",
            "value": "",
            "reason": f"{reason}; rolled back, nothing was imported",
        }
    ]
    _finish(job)
    StagedValue.objects.filter(job=job).delete()


def stale_swaps() -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(
        status=JobStatus.APPLYING, heartbeat_at__lt=timezone.now() - STALE_SWAP
    )


def import_swaps_stale(*, now: dt.datetime | None = None) -> bool:
    """For the reaper's guard: a swap left half-done by a crash is waiting to be rolled back."""
    return stale_swaps().exists()


def import_jobs_recover(*, organization_id: int | None = None) -> int:
    """Roll back swaps left half-done by a crash (no chunk written for STALE_SWAP)."""
    stale = stale_swaps()
    if organization_id is not None:
        stale = stale.filter(organization_id=organization_id)
    count = 0
    for job in stale:
        _rollback(job, "the process stopped while applying")
        count += 1
    return count


def import_job_apply(*, job: ImportJob, replace: bool = False) -> ImportJob:
    """Apply a previewed import. Replacing stored values needs `replace=True`; the counts
    are taken again first, since other imports may have run since the preview."""
    if job.status != JobStatus.PREVIEW:
        raise ValidationError(
            {"status": f"Only a preview can be applied; this import is {job.status}."}
        )
    _count_preview(job)
    replaced = _replaced(job)
    if replaced and not replace:
        job.save(update_fields=["preview"])
        raise ValidationError(
            {
                "replace": f"This import would replace {replaced} stored value(s): "
                "confirm to replace them."
            }
        )
    _apply(job)
    return job


def import_job_undo(*, job: ImportJob) -> ImportJob:
    """Undo an applied import: values it added are removed, values it replaced restored.
    Only the organization's latest applied import can be undone (undo later ones first), so
    an undo never overwrites what a later import wrote."""
    if job.status != JobStatus.DONE or job.applied_at is None:
        raise ValidationError({"status": "Only an applied import can be undone."})
    if ImportJob.objects.filter(
        organization_id=job.organization_id, status=JobStatus.APPLYING
    ).exists():
        raise ValidationError({"status": "An import is being applied: try again in a minute."})
    later = (
        ImportJob.objects.filter(
            organization_id=job.organization_id,
            status=JobStatus.DONE,
            applied_at__gt=job.applied_at,
        )
        .order_by("-applied_at")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {"status": f"Undo the later import of {later.filename} (#{later.pk}) first."}
        )
    with transaction.atomic():
        _restore(job)
        job.status = JobStatus.UNDONE
        job.undone_at = timezone.now()
        job.save(update_fields=["status", "undone_at"])
        # An undone import cannot be redone: its journal has served.
        StagedValue.objects.filter(job=job).delete()
    _values_changed(job.organization_id)
    return job


def kpi_frame_import(
    *,
    organization: Organization,
    frame: pd.DataFrame,
    filename: str,
    names: Mapping[str, str] | None = None,
) -> ImportJob:
    """Import values already in memory (rep_id, period, kpi, value), e.g. the demo's: they
    are listed among the imports and can be undone like any file."""
    job = ImportJob.objects.create(
        organization=organization, source=Source.PANEL, filename=filename, rows_read=len(frame)
    )
    _stage(job, frame, lambda _p: None)
    keys = sorted(frame["kpi"].unique())
    named = names or {}
    job.preview = {
        "kpis": [{"key": k, "name": named.get(k, k), "skipped": 0} for k in keys],
        "skipped": [],
        "notes": ["Generated by the demo, not read from a file."],
        "new_kpis": {k: {"name": named.get(k, k)} for k in keys},
    }
    _count_preview(job)
    _apply(job)
    return job


def import_job_fail(*, job_id: int, message: str) -> bool:
    """End a job that stopped while queued or reading its file as failed; False if it had
    got further (a swap that fails is rolled back and failed by `_apply` itself, one left
    half-done by `import_jobs_recover`)."""
    return bool(
        ImportJob.objects.filter(
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING], pk=job_id
        ).update(status=JobStatus.FAILED, message=message, progress=100, finished_at=timezone.now())
    )


@transaction.atomic
def import_job_retry(*, job: ImportJob) -> ImportJob:
    """Run a failed job again on the same stored file (nothing of it was applied: a failed
    swap is rolled back)."""
    if job.status != JobStatus.FAILED:
        raise ValidationError({"status": "Only a failed import can be tried again."})
    StagedValue.objects.filter(job=job).delete()
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.message = ""
    job.errors = []
    job.error_count = 0
    job.preview = {}
    job.rows_read = 0
    job.applied_through = 0
    job.heartbeat_at = None
    job.finished_at = None
    job.save(
        update_fields=[
            "status",
            "progress",
            "message",
            "errors",
            "error_count",
            "preview",
            "rows_read",
            "applied_through",
            "heartbeat_at",
            "finished_at",
        ]
    )
    from sustain.metrics.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def import_jobs_reap(*, stale_before: dt.datetime) -> int:
    """Fail the jobs whose worker died while reading their file (running, silent since
    `stale_before`), and roll back swaps it left half-done; returns how many."""
    from sustain.notify.reaper import stale_jobs

    failed = stale_jobs("metrics.ImportJob", stale_before=stale_before).update(
        status=JobStatus.FAILED,
        message="The import stopped: the server or worker running it was restarted. "
        "Nothing was imported. Try again.",
        progress=100,
        finished_at=timezone.now(),
    )
    return failed + import_jobs_recover()


@transaction.atomic
def rep_attributes_set(*, reps: Iterable[Person], name: str, values: Mapping[int, str]) -> int:
    """Set attribute `name` for each rep id in `values` (replacing the old value)."""
    ids = [r.pk for r in reps if r.pk in values]
    RepAttribute.objects.filter(rep_id__in=ids, name=name).delete()
    RepAttribute.objects.bulk_create(
        [RepAttribute(rep_id=i, name=name, value=values[i]) for i in ids]
    )
    return len(ids)


__all__ = [
    "ImportRejected",
    "RowError",
    "import_job_apply",
    "import_job_create",
    "import_job_run",
    "import_job_undo",
    "kpi_import",
]
