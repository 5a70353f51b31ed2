"""`GET /export`: the whole organization as one zip (docs/export.md). Admins only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from ninja import Router

from sustain.exports import services
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

router = Router(tags=["export"])


@router.get(
    "/export",
    openapi_extra={
        "responses": {
            200: {
                "description": "The zip: a CSV per table and manifest.json (docs/export.md).",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export(request: AuthenticatedHttpRequest) -> FileResponse:
    """A CSV per table and manifest.json; people.csv and kpi_values.csv import again as
    they are (roster import, KPI import)."""
    org = access.get_organization_for(request.user)
    if not access.can_export_organization(request.user):
        raise PermissionDenied("Only admins export the organization.")
    return services.export_response(organization=org)
