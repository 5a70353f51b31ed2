"""The export page: what the zip holds, and the download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import render

from sustain.exports import exporter, services
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Organization


def _organization(request: AuthenticatedHttpRequest) -> Organization:
    org = access.get_organization_for(request.user)
    if not access.can_export_organization(request.user):
        raise PermissionDenied("Only admins export the organization.")
    return org


@login_required
def export_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _organization(request)
    return render(request, "exports/export.html", {"tables": exporter.tables()})


@login_required
def export_download(request: AuthenticatedHttpRequest) -> FileResponse:
    return services.export_response(organization=_organization(request))
