"""Writes to the KPI store: definitions, saved column mappings and imports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

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
CHUNK = 100_000


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
    return model_update(instance=kpi, data=data, fields=["name", "unit", "direction", "monetary"])


def kpi_key(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.strip().lower()).strip("_")[:80] or "kpi"


def _ensure_kpis(organization: Organization, keys: Iterable[str]) -> dict[str, int]:
    """Ids of the KPIs named in a file, creating those not defined yet."""
    keys = set(keys)
    existing = dict(
        KpiDefinition.objects.filter(organization=organization, key__in=keys).values_list(
            "key", "id"
        )
    )
    missing = [
        KpiDefinition(
            organization=organization,
            key=k,
            **STANDARD_KPIS.get(k, {"name": k.replace("_", " ").capitalize()}),
        )
        for k in sorted(keys - existing.keys())
    ]
    for kpi in KpiDefinition.objects.bulk_create(missing):
        existing[kpi.key] = kpi.pk
    if any(v is None for v in existing.values()):  # backends without RETURNING
        existing = dict(
            KpiDefinition.objects.filter(organization=organization, key__in=keys).values_list(
                "key", "id"
            )
        )
    return existing


@transaction.atomic
def import_mapping_save(
    *, organization: Organization, source: str, columns: Mapping[str, Any]
) -> ImportMapping:
    if source not in Source.values:
        raise ValidationError({"source": f"Unknown source {source!r}."})
    allowed = set(importer.DEFAULT_COLUMNS[source]) | ({"kpis"} if source == "panel" else set())
    unknown = set(columns) - allowed
    if unknown:
        raise ValidationError(
            {
                "columns": f"Unknown fields: {', '.join(sorted(unknown))}; "
                f"expected some of {', '.join(sorted(allowed))}."
            }
        )
    mapping, _ = ImportMapping.objects.get_or_create(organization=organization, source=source)
    mapping.columns = dict(columns)
    mapping.updated_at = timezone.now()
    mapping.save(update_fields=["columns", "updated_at"])
    return mapping


@dataclass
class ImportSummary:
    rows_read: int
    values_written: int
    kpis: list[str]
    first_period: str | None
    last_period: str | None


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
    mapping: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Validate the whole file, then write it in one transaction. A (rep, period, KPI) that
    is already stored is replaced, never duplicated. Raises ImportRejected listing every bad
    row; then nothing is written."""
    report = progress or (lambda _p: None)
    if mapping is None:
        saved = ImportMapping.objects.filter(organization=organization, source=source).first()
        mapping = saved.columns if saved else {}
    known = {d.name: d.key for d in KpiDefinition.objects.filter(organization=organization)}
    parsed = importer.parse_file(
        file,
        filename=filename,
        source=source,
        fmt=fmt,
        mapping=mapping,
        reps=rep_lookup(organization),
        known_kpis=known,
    )
    report(50)
    frame = parsed.frame
    frame["kpi"] = frame["kpi"].map(kpi_key)
    with transaction.atomic():
        ids = _ensure_kpis(organization, frame["kpi"].unique())
        kpi_ids = frame["kpi"].map(ids).astype("int64")
        written = _upsert(
            frame["rep_id"].to_numpy(),
            frame["period"],
            kpi_ids.to_numpy(),
            frame["value"].to_numpy(),
            report,
        )
    periods = frame["period"]
    return ImportSummary(
        rows_read=parsed.rows_read,
        values_written=written,
        kpis=sorted(ids),
        first_period=str(periods.min().date()) if written else None,
        last_period=str(periods.max().date()) if written else None,
    )


def _upsert(
    rep_ids: np.ndarray,
    periods: pd.Series,
    kpi_ids: np.ndarray,
    values: np.ndarray,
    report: Callable[[int], None],
) -> int:
    """Bulk insert-or-replace through the driver: the ORM's per-object overhead would cost
    minutes on a million rows."""
    table = KpiValue._meta.db_table
    day = (
        periods.dt.strftime("%Y-%m-%d").to_numpy()
        if connection.vendor == "sqlite"
        else periods.dt.date.to_numpy()
    )
    rows = list(zip(rep_ids.tolist(), day.tolist(), kpi_ids.tolist(), values.tolist(), strict=True))
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE kpi_import_rows (rep_id bigint, period date, "
                "kpi_id bigint, value double precision) ON COMMIT DROP"
            )
            with cur.copy(
                "COPY kpi_import_rows (rep_id, period, kpi_id, value) FROM STDIN"
            ) as copy:
                # No progress writes in here: the connection is busy streaming the COPY.
                for row in rows:
                    copy.write_row(row)
            report(90)
            cur.execute(
                f"INSERT INTO {table} (rep_id, period, kpi_id, value) "
                "SELECT rep_id, period, kpi_id, value FROM kpi_import_rows "
                "ON CONFLICT (rep_id, period, kpi_id) DO UPDATE SET value = EXCLUDED.value"
            )
            # Dropped now too: an enclosing transaction may run a second import.
            cur.execute("DROP TABLE kpi_import_rows")
        return len(rows)
    sql = (
        f"INSERT INTO {table} (rep_id, period, kpi_id, value) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (rep_id, period, kpi_id) DO UPDATE SET value = excluded.value"
    )
    for start in range(0, len(rows), CHUNK):
        raw.executemany(sql, rows[start : start + CHUNK])
        report(50 + 50 * (start + CHUNK) // max(len(rows), 1))
    return len(rows)


# Import jobs (the upload page and the API run imports in the background) -------------


@transaction.atomic
def import_job_create(
    *,
    organization: Organization,
    created_by: Person | None,
    source: str,
    filename: str,
    content: Any,
    fmt: str = "",
) -> ImportJob:
    from django.core.files.base import ContentFile

    if source not in Source.values:
        raise ValidationError({"source": f"Unknown source {source!r}."})
    if fmt and fmt not in importer.PANEL_FORMATS:
        raise ValidationError({"format": "Format must be wide or long."})
    if Path(filename).suffix.lower() not in (".csv", ".parquet", ".txt"):
        raise ValidationError({"file": "Upload a .csv or .parquet file."})
    job = ImportJob(
        organization=organization,
        created_by=created_by,
        source=source,
        format=fmt,
        filename=Path(filename).name,
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
    ImportJob.objects.filter(pk=job.pk).update(progress=job.progress)


def import_job_run(*, job: ImportJob) -> ImportJob:
    """Runs outside a transaction so the page polling the job sees its progress."""
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        with job.file.open("rb") as handle:
            summary = kpi_import(
                organization=job.organization,
                file=handle,
                filename=job.filename,
                source=job.source,
                fmt=job.format or None,
                progress=lambda p: _job_progress(job, p),
            )
    except ImportRejected as exc:
        job.status = JobStatus.FAILED
        job.error_count = len(exc.errors)
        job.errors = [e.as_dict() for e in exc.errors[: importer.MAX_REPORTED]]
    else:
        job.status = JobStatus.DONE
        job.rows_read = summary.rows_read
        job.values_written = summary.values_written
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "error_count",
            "errors",
            "rows_read",
            "values_written",
            "progress",
            "finished_at",
        ]
    )
    return job


@transaction.atomic
def rep_attributes_set(*, reps: Iterable[Person], name: str, values: Mapping[int, str]) -> int:
    """Set attribute `name` for each rep id in `values` (replacing the old value)."""
    ids = [r.pk for r in reps if r.pk in values]
    RepAttribute.objects.filter(rep_id__in=ids, name=name).delete()
    RepAttribute.objects.bulk_create(
        [RepAttribute(rep_id=i, name=name, value=values[i]) for i in ids]
    )
    return len(ids)


__all__ = ["ImportRejected", "RowError", "import_job_create", "import_job_run", "kpi_import"]
