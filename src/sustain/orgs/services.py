"""Every write to organizations, people, teams and API tokens."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sustain.lib.services import model_create, model_update
from sustain.orgs.models import ApiToken, Organization, Person, Region, Role, Team

PERSON_FIELDS = ("email", "name", "title", "role", "hire_date", "region", "team", "external_id")


@transaction.atomic
def organization_create(*, name: str, slug: str = "") -> Organization:
    return model_create(Organization, name=name, slug=slug or slugify(name))


@transaction.atomic
def organization_update(*, organization: Organization, data: dict[str, object]) -> Organization:
    return model_update(instance=organization, data=data, fields=("name",))


@transaction.atomic
def region_create(*, organization: Organization, name: str) -> Region:
    name = name.strip()
    if organization.regions.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a region called “{name}”."})
    return model_create(Region, organization=organization, name=name)


@transaction.atomic
def region_get_or_create(*, organization: Organization, name: str) -> Region:
    region, _ = Region.objects.get_or_create(organization=organization, name=name.strip())
    return region


@transaction.atomic
def person_create(
    *,
    organization: Organization,
    email: str,
    name: str,
    role: str = Role.REP,
    title: str = "",
    hire_date: dt.date | None = None,
    region: Region | None = None,
    team: Team | None = None,
    external_id: str = "",
    password: str | None = None,
) -> Person:
    person = Person(
        organization=organization,
        email=email.strip().lower(),
        name=name,
        role=role,
        title=title,
        hire_date=hire_date,
        region=region,
        team=team,
        external_id=external_id,
    )
    person.set_password(password) if password else person.set_unusable_password()
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, data: dict[str, object]) -> Person:
    if "email" in data:
        data = {**data, "email": str(data["email"]).strip().lower()}
    return model_update(instance=person, data=data, fields=PERSON_FIELDS)


@transaction.atomic
def team_create(
    *,
    organization: Organization,
    name: str,
    region: Region | None = None,
    manager: Person | None = None,
) -> Team:
    return model_create(Team, organization=organization, name=name, region=region, manager=manager)


@transaction.atomic
def team_update(*, team: Team, data: dict[str, object]) -> Team:
    return model_update(instance=team, data=data, fields=("name", "region", "manager"))


@transaction.atomic
def api_token_create(*, person: Person, label: str = "") -> str:
    """Create a token and return the raw value; it is shown once and never stored."""
    raw = ApiToken.generate()
    ApiToken.objects.create(person=person, label=label, digest=ApiToken.hash(raw))
    return raw


def api_token_authenticate(*, raw: str) -> Person | None:
    token = (
        ApiToken.objects.select_related("person__organization")
        .filter(digest=ApiToken.hash(raw), person__is_active=True)
        .first()
    )
    if token is None:
        return None
    # One write per hour at most: the API should not write on every read.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(hours=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
