"""People and teams endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.api.pagination import paginated
from sustain.api.schemas import Input, Output
from sustain.orgs import access, models, selectors, services
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import ApiToken, Organization, Person, Region, Role, Team

router = Router(tags=["people and teams"])


class PersonOut(Output, ModelSchema):
    region: str | None = Field(description="The region's name.")

    class Meta:
        model = models.Person
        fields = [
            "id",
            "email",
            "name",
            "title",
            "role",
            "hire_date",
            "team",
            "external_id",
            "is_active",
        ]

    @staticmethod
    def resolve_region(obj: Person) -> str | None:
        return obj.region.name if obj.region is not None else None


# A region is named (and made when new): as long as a region's name may be.
REGION_NAME = Field(None, max_length=models.Region._meta.get_field("name").max_length)


class PersonIn(Input, ModelSchema):
    role: Role = Role.REP
    region: str | None = REGION_NAME
    team: int | None = None

    class Meta:
        model = models.Person
        fields = ["email", "name", "title", "hire_date", "external_id"]


class PersonPatch(Input, ModelSchema):
    role: Role | None = None
    region: str | None = REGION_NAME
    team: int | None = None

    class Meta:
        model = models.Person
        fields = ["email", "name", "title", "hire_date", "external_id"]
        fields_optional = "__all__"


class TeamOut(Output, ModelSchema):
    region: str | None = Field(description="The region's name.")
    size: int = 0

    class Meta:
        model = models.Team
        fields = ["id", "name", "manager"]

    @staticmethod
    def resolve_region(obj: Team) -> str | None:
        return obj.region.name if obj.region is not None else None


class TeamIn(Input, ModelSchema):
    region: str | None = REGION_NAME
    manager: int | None = None

    class Meta:
        model = models.Team
        fields = ["name"]


class TeamPatch(Input, ModelSchema):
    region: str | None = REGION_NAME
    manager: int | None = None

    class Meta:
        model = models.Team
        fields = ["name"]
        fields_optional = "__all__"


class TeamDetail(TeamOut):
    members: list[PersonOut]

    @staticmethod
    def resolve_members(obj: Team) -> list[Person]:
        members: list[Person] = obj.visible_members  # type: ignore[attr-defined]  # set on the instance for the page or response
        return members


def _person_refs(viewer: Person, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the API's plain ids and names into this organization's objects. Call it in the
    handler's transaction: a new region is added only with the change that needs it."""
    org = access.get_organization_for(viewer)
    if data.get("region") is not None:
        data["region"] = services.region_resolve(
            organization=org, name=str(data["region"]), by=viewer
        )
    if data.get("team") is not None:
        data["team"] = access.get_team_for(viewer, data["team"])
    if data.get("manager") is not None:
        data["manager"] = access.get_person_for(viewer, data["manager"])
    return data


@router.get("/me", response=PersonOut)
def me(request: AuthenticatedHttpRequest) -> Person:
    return request.user


@router.get("/people", response=list[PersonOut])
@paginated
def people_list(request: AuthenticatedHttpRequest, role: Role | None = None) -> QuerySet[Person]:
    """The people the caller may see, by name (then id)."""
    return selectors.people_list(viewer=request.user, role=role).order_by("name", "id")


@router.get("/people/{person_id}", response=PersonOut)
def people_detail(request: AuthenticatedHttpRequest, person_id: int) -> Person:
    return access.get_person_for(request.user, person_id)


@router.post("/people", response={201: PersonOut})
def people_create(request: AuthenticatedHttpRequest, payload: PersonIn) -> Status[Person]:
    if not access.can_edit_people(request.user):
        raise PermissionDenied("Only admins and executives add people.")
    org = access.get_organization_for(request.user)
    with transaction.atomic():
        data = _person_refs(request.user, payload.dict())
        person = services.person_create(organization=org, by=request.user, **data)
    return Status(201, person)


@router.patch("/people/{person_id}", response=PersonOut)
def people_update(
    request: AuthenticatedHttpRequest, person_id: int, payload: PersonPatch
) -> Person:
    """Role and login email: admins only, and nobody raises her own role."""
    person = access.get_person_for(request.user, person_id, write=True)
    with transaction.atomic():
        data = _person_refs(request.user, payload.dict(exclude_unset=True))
        return services.person_update(person=person, data=data, by=request.user)


@router.post("/people/{person_id}/deactivate", response=PersonOut)
def people_deactivate(request: AuthenticatedHttpRequest, person_id: int) -> Person:
    """Admins only. She can no longer log in or use a token; her history stays."""
    person = access.get_person_for(request.user, person_id)
    return services.person_deactivate(person=person, by=request.user)


@router.post("/people/{person_id}/reactivate", response=PersonOut)
def people_reactivate(request: AuthenticatedHttpRequest, person_id: int) -> Person:
    person = access.get_person_for(request.user, person_id)
    return services.person_reactivate(person=person, by=request.user)


@router.get("/teams", response=list[TeamOut])
@paginated
def teams_list(request: AuthenticatedHttpRequest) -> QuerySet[Team]:
    """The teams the caller may see, by name (then id)."""
    return selectors.teams_list(viewer=request.user).order_by("name", "id")


@router.get("/teams/{team_id}", response=TeamDetail)
def teams_detail(request: AuthenticatedHttpRequest, team_id: int) -> Team:
    team = access.get_team_for(request.user, team_id)
    return selectors.team_with_members(viewer=request.user, team=team)


@router.post("/teams", response={201: TeamOut})
def teams_create(request: AuthenticatedHttpRequest, payload: TeamIn) -> Status[Team]:
    if not access.can_edit_teams(request.user):
        raise PermissionDenied("Only admins and executives create teams.")
    org = access.get_organization_for(request.user)
    with transaction.atomic():
        data = _person_refs(request.user, payload.dict())
        team = services.team_create(organization=org, **data)
    return Status(201, team)


@router.patch("/teams/{team_id}", response=TeamOut)
def teams_update(request: AuthenticatedHttpRequest, team_id: int, payload: TeamPatch) -> Team:
    team = access.get_team_for(request.user, team_id, write=True)
    with transaction.atomic():
        data = _person_refs(request.user, payload.dict(exclude_unset=True))
        return services.team_update(team=team, data=data)


class RegionOut(Output, ModelSchema):
    class Meta:
        model = Region
        fields = ["id", "name"]


class RegionIn(Input, ModelSchema):
    class Meta:
        model = Region
        fields = ["name"]


@router.get("/regions", response=list[RegionOut])
@paginated
def regions_list(request: AuthenticatedHttpRequest) -> QuerySet[Region]:
    """The organization's regions, by name (then id)."""
    return selectors.regions_list(viewer=request.user).order_by("name", "id")


@router.post("/regions", response={201: RegionOut})
def regions_create(request: AuthenticatedHttpRequest, payload: RegionIn) -> Status[Region]:
    access.require_region_creation(request.user)
    org = access.get_organization_for(request.user)
    return Status(201, services.region_create(organization=org, **payload.dict()))


@router.patch("/regions/{region_id}", response=RegionOut)
def regions_update(request: AuthenticatedHttpRequest, region_id: int, payload: RegionIn) -> Region:
    """Rename a region: admins only."""
    region = access.get_region_for(request.user, region_id, write=True)
    return services.region_update(region=region, **payload.dict())


# The organization ----------------------------------------------------------------


class OrganizationOut(Output, ModelSchema):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "min_group_size"]


class OrganizationPatch(Input, ModelSchema):
    class Meta:
        model = Organization
        fields = ["name", "min_group_size"]
        fields_optional = "__all__"


@router.get("/organization", response=OrganizationOut)
def organization_detail(request: AuthenticatedHttpRequest) -> Organization:
    return access.get_organization_for(request.user)


@router.patch("/organization", response=OrganizationOut)
def organization_update(
    request: AuthenticatedHttpRequest, payload: OrganizationPatch
) -> Organization:
    org = access.get_organization_for(request.user, write=True)
    return services.organization_update(
        organization=org, data=payload.dict(exclude_unset=True, exclude_none=True)
    )


class TokenOut(Schema):
    """A token as listed: never its secret."""

    id: int
    name: str
    person: int
    created_at: dt.datetime
    last_used_at: dt.datetime | None = Field(
        description="When it last authenticated a request, to the minute."
    )
    expires_at: dt.datetime | None = Field(description="None: valid until revoked.")
    expired: bool

    @staticmethod
    def resolve_name(obj: ApiToken) -> str:
        return obj.label

    @staticmethod
    def resolve_person(obj: ApiToken) -> int:
        return obj.person_id

    @staticmethod
    def resolve_expired(obj: ApiToken) -> bool:
        return obj.is_expired


class TokenCreated(TokenOut):
    token: str = Field(description="The secret, shown this once: it is not stored.")

    @staticmethod
    def resolve_token(obj: ApiToken) -> str:
        secret: str = obj.secret  # type: ignore[attr-defined]  # set on the instance for the page or response
        return secret


class TokenIn(Input):
    # The token's label, which the API requires.
    name: str = Field(min_length=1, max_length=ApiToken._meta.get_field("label").max_length)
    expires_in_days: int | None = Field(
        None, ge=1, le=services.TOKEN_MAX_DAYS, description="Omit for a token without expiry."
    )


@router.get("/tokens", response=list[TokenOut], tags=["API tokens"])
@paginated
def tokens_list(request: AuthenticatedHttpRequest, person: int | None = None) -> QuerySet[ApiToken]:
    """Your tokens, newest first; an admin passes `person` to list anyone's in her
    organization."""
    holder = access.get_token_holder_for(request.user, person or request.user.pk)
    return (
        access.tokens_visible_to(request.user).filter(person=holder).order_by("-created_at", "-id")
    )


@router.post("/tokens", response={201: TokenCreated}, tags=["API tokens"])
def tokens_create(request: AuthenticatedHttpRequest, payload: TokenIn) -> Status[ApiToken]:
    token, raw = services.api_token_issue(
        person=request.user,
        label=payload.name,
        expires_in_days=payload.expires_in_days,
        by=request.user,
    )
    token.secret = raw  # type: ignore[attr-defined]  # set on the instance for the page or response
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, tags=["API tokens"])
def tokens_revoke(request: AuthenticatedHttpRequest, token_id: int) -> Status[None]:
    token = access.get_token_for(request.user, token_id)
    services.api_token_revoke(token=token, by=request.user)
    return Status(204, None)
