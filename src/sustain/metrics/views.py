"""KPI pages: the definitions, the import jobs (preview, apply, undo), the upload page with
the columns each source expects, and the saved mappings."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sustain.metrics import importer, services
from sustain.metrics.forms import KpiForm, MappingForm, UploadForm
from sustain.metrics.models import (
    ImportJob,
    ImportMapping,
    JobStatus,
    KpiDefinition,
    Source,
)
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.web.forms import form_page


def _expected_columns() -> list[dict[str, object]]:
    return [
        {
            "source": value,
            "label": label,
            "fields": importer.DEFAULT_COLUMNS[value],
            "template": importer.TEMPLATE_COLUMNS[value],
        }
        for value, label in Source.choices
    ]


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = access.get_organization_for(request.user)
    can_import = access.can_import_kpis(request.user)
    return render(
        request,
        "metrics/index.html",
        {
            "kpis": KpiDefinition.objects.filter(organization=org),
            "jobs": ImportJob.objects.filter(organization=org)[:20] if can_import else [],
            "can_import": can_import,
            "sources": Source.choices,
        },
    )


@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_import_kpis(request.user):
        raise PermissionDenied
    org = access.get_organization_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        lambda data: services.import_job_create(
            organization=org,
            created_by=request.user,
            source=data["source"],
            filename=data["file"].name,
            content=data["file"],
            fmt=data["format"],
            dry_run=data["dry_run"],
        ),
        done=lambda job: reverse("metrics:job", args=[job.pk]),
        template="metrics/upload.html",
        expected=_expected_columns(),
    )


@login_required
def template(request: AuthenticatedHttpRequest, source: str) -> HttpResponse:
    """An empty file with the header a source's import expects."""
    if source not in importer.TEMPLATE_COLUMNS:
        raise Http404
    buffer = io.StringIO()
    csv.writer(buffer).writerow(importer.TEMPLATE_COLUMNS[source])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sustain-{source}-template.csv"'
    return response


@login_required
def job(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    import_job = access.get_import_job_for(request.user, job_id)
    template_name = "metrics/job.html#status" if request.htmx else "metrics/job.html"
    return render(request, template_name, _job_context(import_job))


def _job_context(import_job: ImportJob, error: str = "") -> dict[str, object]:
    kpis = import_job.preview.get("kpis", []) if import_job.preview else []
    return {
        "job": import_job,
        "replaced": sum(k.get("replaced", 0) for k in kpis),
        "action_error": error,
    }


@login_required
@require_POST
def apply(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    import_job = access.get_import_job_for(request.user, job_id)
    try:
        services.import_job_apply(job=import_job, replace=request.POST.get("replace") == "on")
    except ValidationError as exc:
        return render(
            request,
            "metrics/job.html",
            _job_context(import_job, " ".join(exc.messages)),
            status=400,
        )
    return redirect("metrics:job", import_job.pk)


@login_required
@require_POST
def undo(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    import_job = access.get_import_job_for(request.user, job_id)
    try:
        services.import_job_undo(job=import_job)
    except ValidationError as exc:
        return render(
            request,
            "metrics/job.html",
            _job_context(import_job, " ".join(exc.messages)),
            status=400,
        )
    return redirect("metrics:job", import_job.pk)


@login_required
def mapping(request: AuthenticatedHttpRequest, source: str) -> HttpResponse:
    if source not in Source.values:
        raise Http404
    if not access.can_import_kpis(request.user):
        raise PermissionDenied
    org = access.get_organization_for(request.user)
    saved = ImportMapping.objects.filter(organization=org, source=source).first()
    saved = saved or ImportMapping(organization=org, source=source)
    form = MappingForm(request.POST or None, instance=saved, source=source)

    def save(data: dict[str, Any]) -> object:
        columns = {name: data[f"col_{name}"] for name in importer.DEFAULT_COLUMNS[source]} | {
            "kpis": data["kpis"]
        }
        options = {f: data[f] for f in services.MAPPING_FIELDS}
        return services.import_mapping_save(
            organization=org, source=source, columns=columns, **options
        )

    return form_page(
        request,
        form,
        save,
        done=reverse("metrics:upload"),
        title=f"Mapping: {Source(source).label}",
        submit="Save mapping",
        back_url=reverse("metrics:upload"),
        back_label="Import KPIs",
        intro="How this source's files are read: which column holds what, and how they "
        "write numbers and dates. Nothing is guessed: a value that reads differently under "
        "another format is refused with its row and column.",
    )


@login_required
@require_POST
def job_retry(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    import_job = access.get_import_job_for(request.user, job_id)
    if import_job.status == JobStatus.FAILED:  # a second click finds it queued: no-op
        services.import_job_retry(job=import_job)
    return redirect("metrics:job", import_job.pk)


@login_required
def kpi_edit(request: AuthenticatedHttpRequest, kpi_id: int) -> HttpResponse:
    kpi = access.get_kpi_for(request.user, kpi_id, write=True)
    form = KpiForm(request.POST or None, instance=kpi)
    return form_page(
        request,
        form,
        lambda data: services.kpi_definition_update(kpi=kpi, data=data),
        done=lambda _k: reverse("metrics:index"),
        message="KPI saved.",
        title=f"Edit {kpi.name}",
    )
