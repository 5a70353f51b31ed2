"""KPI definitions, values, saved column mappings and imports."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated, Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, QuerySet
from ninja import Field, File, Form, ModelSchema, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from sustain.api.pagination import paginated
from sustain.api.schemas import Input, IsoDate, Output, api_enum
from sustain.metrics import services
from sustain.metrics.models import (
    DateOrder,
    ImportJob,
    ImportMapping,
    KpiDefinition,
    KpiUnit,
    NumberFormat,
    Source,
)
from sustain.metrics.models import Direction as KpiDirectionChoices
from sustain.metrics.units import all_finite
from sustain.orgs import access, privacy
from sustain.orgs.http import AuthenticatedHttpRequest

if TYPE_CHECKING:  # the same members and values; the checker cannot see a dynamic enum's
    KpiDirection = KpiDirectionChoices
else:
    KpiDirection = api_enum("KpiDirection", KpiDirectionChoices)
router = Router(tags=["metrics"])

# Between the largest floats: excludes ±Infinity, and NaN (which PostgreSQL sorts above
# every number; SQLite cannot store it).
FINITE = {"value__gte": -sys.float_info.max, "value__lte": sys.float_info.max}


KPI_FIELDS = ["key", "name", "unit", "direction", "monetary"]
# What the service accepts: three letters, or empty for none.
CURRENCY = r"^([A-Za-z]{3})?$"


class KpiOut(Output, ModelSchema):
    class Meta:
        model = KpiDefinition
        fields = ["id", *KPI_FIELDS, "currency"]


class KpiPatch(Input, ModelSchema):
    # Unit and direction are enumerations in the document, under names of their own.
    unit: KpiUnit | None = None
    direction: KpiDirection | None = Field(None, description="up: higher is better; down: lower.")
    currency: str | None = Field(
        None, pattern=CURRENCY, description="ISO 4217, e.g. USD; empty: none."
    )

    class Meta:
        model = KpiDefinition
        fields = ["name", "unit", "direction", "monetary", "currency"]
        fields_optional = "__all__"


class KpiIn(Input, ModelSchema):
    # Stricter than the column's slug: the key files name the KPI by.
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    unit: KpiUnit = KpiUnit.NUMBER
    direction: KpiDirection = KpiDirection.UP

    class Meta:
        model = KpiDefinition
        fields = KPI_FIELDS


class ValueOut(Schema):
    rep: int
    period: dt.date
    value: float

    @staticmethod
    def resolve_rep(obj: dict[str, Any]) -> int:
        return cast(int, obj["rep_id"])


class PeriodMeanOut(Schema):
    period: dt.date
    mean: float | None = Field(
        description="None when withheld (see `suppressed`) or when the mean overflows."
    )
    reps: int
    suppressed: str | None = Field(
        None, description='Why the mean is withheld, e.g. "fewer than 5 reps".'
    )


class JobOut(Output, ModelSchema):
    errors: list[dict[str, Any]]
    # Per KPI (`kpis`: key, name, rows, new, replaced, unchanged, skipped), the skipped rows
    # with reasons (`skipped`), and `notes` (encoding read, footer dropped...).
    preview: dict[str, Any]

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "source",
            "format",
            "filename",
            "status",
            "progress",
            "rows_read",
            "values_written",
            "error_count",
            "errors",
            "dry_run",
            "preview",
            "message",
            "created_at",
            "finished_at",
            "applied_at",
            "undone_at",
        ]


class ApplyIn(Input):
    replace: bool = False


MAPPING_FIELDS = list(services.MAPPING_FIELDS)


class MappingIn(Input, ModelSchema):
    columns: dict[str, Any] = Field(
        default_factory=dict,
        description="Field -> header as written (e.g. owner: 'Rep Email'); kpis: list of "
        "columns or KPI names to import.",
    )
    number_format: NumberFormat | None = None
    date_order: DateOrder | None = None
    currency: str | None = Field(default=None, pattern=CURRENCY)

    class Meta:
        model = ImportMapping
        fields = MAPPING_FIELDS
        fields_optional = "__all__"


class MappingOut(Output, ModelSchema):
    columns: dict[str, Any]

    class Meta:
        model = ImportMapping
        fields = ["source", "columns", *MAPPING_FIELDS]


def _importer(request: AuthenticatedHttpRequest) -> None:
    if not access.can_import_kpis(request.user):
        raise PermissionDenied("Only analysts, program owners, executives and admins import KPIs.")


@router.get("/kpis", response=list[KpiOut])
@paginated
def kpis_list(request: AuthenticatedHttpRequest) -> QuerySet[KpiDefinition]:
    """The organization's KPIs by name (then id)."""
    org = access.get_organization_for(request.user)
    return KpiDefinition.objects.filter(organization=org).order_by("name", "id")


@router.post("/kpis", response={201: KpiOut})
def kpis_create(request: AuthenticatedHttpRequest, payload: KpiIn) -> Status[KpiDefinition]:
    _importer(request)
    org = access.get_organization_for(request.user)
    return Status(201, services.kpi_definition_create(organization=org, **payload.dict()))


@router.patch("/kpis/{kpi_id}", response=KpiOut)
def kpis_update(request: AuthenticatedHttpRequest, kpi_id: int, payload: KpiPatch) -> KpiDefinition:
    kpi = access.get_kpi_for(request.user, kpi_id, write=True)
    return services.kpi_definition_update(kpi=kpi, data=payload.dict(exclude_unset=True))


@router.get("/kpis/{kpi_id}/values", response=list[ValueOut])
@paginated
def kpi_values(
    request: AuthenticatedHttpRequest,
    kpi_id: int,
    rep: int | None = None,
    since: IsoDate | None = None,
) -> QuerySet[Any]:
    """Individual values the caller may read: all (whole-org roles), her team's (manager),
    her own (rep), by period then rep. The trainer reads /means instead. Stored values
    that are not finite numbers (±Infinity, NaN) are left out: they are not JSON."""
    kpi = access.get_kpi_for(request.user, kpi_id)
    if not access.sees_individuals(request.user):
        raise PermissionDenied("Trainers see aggregates only: use /kpis/{id}/means.")
    values = access.kpi_values_visible_to(request.user).filter(kpi=kpi, **FINITE)
    if rep is not None:
        values = values.filter(rep_id=rep)
    if since is not None:
        values = values.filter(period__gte=since)
    return values.order_by("period", "rep_id").values("rep_id", "period", "value")


@router.get("/kpis/{kpi_id}/means", response=list[PeriodMeanOut])
@paginated
def kpi_means(request: AuthenticatedHttpRequest, kpi_id: int) -> list[dict[str, Any]]:
    """The organization's mean per period: an aggregate every member may read, withheld
    for a period with fewer than k reps unless she may see each rep's value. Stored values
    that are not finite numbers are left out; a mean that overflows is null. By period."""
    kpi = access.get_kpi_for(request.user, kpi_id)
    rows = (
        kpi.values.filter(**FINITE)
        .values("period")
        .annotate(mean=Avg("value"), reps=Count("rep_id", distinct=True))
        .order_by("period")
    )
    means = [{**r, "mean": r["mean"] if all_finite(r["mean"]) else None} for r in rows]
    return privacy.suppress(request.user, means, people="reps", figures=("mean",))


@router.get("/imports", response=list[JobOut])
@paginated
def imports_list(request: AuthenticatedHttpRequest) -> QuerySet[ImportJob]:
    """The organization's imports, newest first (then by id)."""
    _importer(request)
    return ImportJob.objects.filter(organization=request.user.organization_id).order_by(
        "-created_at", "-id"
    )


@router.get("/imports/{job_id}", response=JobOut)
def imports_detail(request: AuthenticatedHttpRequest, job_id: int) -> ImportJob:
    return access.get_import_job_for(request.user, job_id)


# As long as the import job's columns allow.
SourceForm = Annotated[str, Form(max_length=ImportJob._meta.get_field("source").max_length)]
FormatForm = Annotated[str, Form(max_length=ImportJob._meta.get_field("format").max_length)]


@router.post("/imports", response={201: JobOut})
def imports_create(
    request: AuthenticatedHttpRequest,
    file: File[UploadedFile],
    source: SourceForm,
    format: FormatForm = "",
    dry_run: Form[bool] = False,
) -> Status[ImportJob]:
    """Upload a file; the import runs in the background: poll /imports/{id}. It ends
    `done`, `failed` (with `errors`: file, row, column, value, reason), or `preview` (a dry
    run, or an import that would replace stored values: apply it with replace=true)."""
    _importer(request)
    org = access.get_organization_for(request.user)
    job = services.import_job_create(
        organization=org,
        created_by=request.user,
        source=source,
        filename=file.name or "upload.csv",
        content=file,
        fmt=format,
        dry_run=dry_run,
    )
    job.refresh_from_db()
    return Status(201, job)


@router.post("/imports/{job_id}/apply", response=JobOut)
def imports_apply(request: AuthenticatedHttpRequest, job_id: int, payload: ApplyIn) -> ImportJob:
    """Apply a preview. When it would replace stored values, `replace: true` is needed."""
    job = access.get_import_job_for(request.user, job_id)
    return services.import_job_apply(job=job, replace=payload.replace)


@router.post("/imports/{job_id}/undo", response=JobOut)
def imports_undo(request: AuthenticatedHttpRequest, job_id: int) -> ImportJob:
    """Undo an applied import: what it added is removed, what it replaced restored."""
    job = access.get_import_job_for(request.user, job_id)
    return services.import_job_undo(job=job)


def _mapping_out(source: str, mapping: ImportMapping | None) -> dict[str, Any]:
    mapping = mapping or ImportMapping(source=source)
    return {
        "source": source,
        "columns": mapping.columns or {},
        "number_format": mapping.number_format,
        "date_order": mapping.date_order,
        "encoding": mapping.encoding,
        "delimiter": mapping.delimiter,
        "blanks_are_no_data": mapping.blanks_are_no_data,
        "currency": mapping.currency,
    }


@router.post("/imports/{job_id}/retry", response=JobOut)
def imports_retry(request: AuthenticatedHttpRequest, job_id: int) -> ImportJob:
    """Run a failed import again on the file it stored; poll /imports/{id}."""
    job = access.get_import_job_for(request.user, job_id)
    services.import_job_retry(job=job)
    job.refresh_from_db()
    return job


@router.get("/import-mappings/{source}", response=MappingOut)
def mapping_detail(request: AuthenticatedHttpRequest, source: Source) -> dict[str, Any]:
    _importer(request)
    mapping = ImportMapping.objects.filter(
        organization=request.user.organization_id, source=source
    ).first()
    return _mapping_out(source, mapping)


@router.put("/import-mappings/{source}", response=MappingOut)
def mapping_save(
    request: AuthenticatedHttpRequest, source: str, payload: MappingIn
) -> dict[str, Any]:
    _importer(request)
    org = access.get_organization_for(request.user)
    options = payload.dict(exclude_unset=True, exclude={"columns"})
    options = {k: v for k, v in options.items() if v is not None}
    mapping = services.import_mapping_save(
        organization=org, source=source, columns=payload.columns, **options
    )
    return _mapping_out(source, mapping)
