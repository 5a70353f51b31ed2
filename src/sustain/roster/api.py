"""The roster import: `POST /people/import` (fixed contract) and its saved column mapping."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from sustain.api.schemas import Input
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Organization
from sustain.roster import services
from sustain.roster.importer import HEADER_MAX_LENGTH, MAPPABLE

router = Router(tags=["people and teams"])


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class RosterImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    deactivated: int
    errors: list[RowErrorOut]


# As long as the page's header fields allow.
Header = Annotated[str, Field(max_length=HEADER_MAX_LENGTH)]


class RosterMappingIn(Input):
    columns: dict[str, Header] = Field(
        default_factory=dict,
        description=f"Roster field → the header of your export. Fields: {', '.join(MAPPABLE)}.",
    )
    date_order: str = Field("", pattern="^(|dmy|mdy)$")


class RosterMappingOut(RosterMappingIn):
    pass


def _admin_organization(request: AuthenticatedHttpRequest) -> Organization:
    if not access.can_import_people(request.user):
        access.get_organization_for(request.user)  # 404 for someone with no organization
        raise PermissionDenied("Only admins import the roster.")
    return access.get_organization_for(request.user)


@router.post("/people/import", response={200: RosterImportOut, 400: RosterImportOut})
def people_import(
    request: AuthenticatedHttpRequest,
    file: File[UploadedFile],
    dry_run: bool = False,
    deactivate_missing: bool = False,
) -> Status[dict[str, Any]]:
    """Upsert people from a CSV or XLSX roster (columns email, name, role, team, region,
    manager_email, hire_date, time_zone, or the Workday/BambooHR/Salesforce names for them). Any error
    answers 400 with every error's row and column, and nothing is written."""
    org = _admin_organization(request)
    try:
        result = services.roster_import(
            organization=org,
            data=file.read(),
            filename=file.name or "",
            dry_run=dry_run,
            deactivate_missing=deactivate_missing,
            by=request.user,
        )
    except services.RosterRejected as exc:
        return Status(400, services.RosterResult(errors=exc.errors).counts())
    return Status(200, result.counts())


@router.get("/people/import/mapping", response=RosterMappingOut)
def people_import_mapping(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    mapping = services.roster_mapping_get(organization=_admin_organization(request))
    return {"columns": mapping.columns, "date_order": mapping.date_order}


@router.put("/people/import/mapping", response=RosterMappingOut)
def people_import_mapping_save(
    request: AuthenticatedHttpRequest, payload: RosterMappingIn
) -> dict[str, Any]:
    mapping = services.roster_mapping_save(
        organization=_admin_organization(request),
        columns=payload.columns,
        date_order=payload.date_order,
    )
    return {"columns": mapping.columns, "date_order": mapping.date_order}
