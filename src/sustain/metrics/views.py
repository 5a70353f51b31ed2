"""KPI pages: the definitions, the import jobs, and the upload page with its progress."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from sustain.metrics import services
from sustain.metrics.models import ImportJob, KpiDefinition, Source
from sustain.orgs import access
from sustain.web.forms import call_service


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or Parquet.")
    source = forms.ChoiceField(choices=Source.choices)
    format = forms.ChoiceField(
        choices=[("", "Guess from the header"), ("wide", "Wide"), ("long", "Long")],
        required=False,
        help_text="Panels only.",
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    org = access.get_organization_for(request.user)
    can_import = access.can_import_kpis(request.user)
    return render(
        request,
        "metrics/index.html",
        {
            "kpis": KpiDefinition.objects.filter(organization=org),
            "jobs": ImportJob.objects.filter(organization=org)[:20] if can_import else [],
            "can_import": can_import,
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if not access.can_import_kpis(request.user):
        raise PermissionDenied
    org = access.get_organization_for(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = call_service(
            form,
            lambda: services.import_job_create(
                organization=org,
                created_by=request.user,
                source=data["source"],
                filename=data["file"].name,
                content=data["file"],
                fmt=data["format"],
            ),
        )
        if job:
            return redirect("metrics:job", job.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": "Import KPIs",
            "multipart": True,
            "submit": "Import",
            "back_url": reverse("metrics:index"),
            "back_label": "KPIs",
            "intro": "A KPI panel (wide: one row per rep and period, a column per KPI; long: rep, "
            "period, kpi, value), a Salesforce opportunity report or a HubSpot deal "
            "export. Nothing is written unless every row is valid.",
        },
    )


@login_required
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    import_job = access.get_import_job_for(request.user, job_id)
    template = "metrics/job.html#status" if request.htmx else "metrics/job.html"
    return render(request, template, {"job": import_job})
