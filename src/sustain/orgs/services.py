"""Every write to organizations, people, teams and API tokens."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sustain.audit.models import AuditKind
from sustain.audit.services import audit_record
from sustain.lib.services import model_create, model_update
from sustain.orgs import access
from sustain.orgs.models import (
    ApiToken,
    Organization,
    Person,
    Region,
    Role,
    Team,
    normalize_login_email,
)

# What `person_update` changes itself; role and email go through their own services.
PROFILE_FIELDS = ("name", "title", "hire_date", "region", "team", "external_id")

# One answer for every address that cannot be used, whether it is malformed or already a
# login in another organization: an admin must not learn who uses Sustain elsewhere.
UNUSABLE_EMAIL = "This email address cannot be used. Check it, or use another address."


@transaction.atomic
def organization_create(*, name: str, slug: str = "") -> Organization:
    return model_create(Organization, name=name, slug=slug or slugify(name))


@transaction.atomic
def organization_update(*, organization: Organization, data: dict[str, object]) -> Organization:
    return model_update(instance=organization, data=data, fields=("name", "min_group_size"))


@transaction.atomic
def region_create(*, organization: Organization, name: str) -> Region:
    name = name.strip()
    if organization.regions.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a region called “{name}”."})
    return model_create(Region, organization=organization, name=name)


@transaction.atomic
def region_get_or_create(*, organization: Organization, name: str) -> Region:
    """For trusted callers (the demo, imports run by an admin): no permission check."""
    name = name.strip()
    region = Region.objects.filter(organization=organization, name=name).first()
    # A new region is validated like any other row (length, blank), never created raw.
    return region or model_create(Region, organization=organization, name=name)


@transaction.atomic
def region_resolve(*, organization: Organization, name: str, by: Person) -> Region:
    """The organization's region called `name` (any case); a new one only if `by` may add
    regions. Call it inside the caller's transaction, so a refused change adds nothing."""
    name = name.strip()
    region = organization.regions.filter(name__iexact=name).first()
    if region is not None:
        return region
    if not access.can_create_regions(by):
        raise ValidationError(
            {"region": f"There is no region “{name}”. An admin adds regions first."}
        )
    return region_create(organization=organization, name=name)


@transaction.atomic
def region_update(*, region: Region, name: str) -> Region:
    name = name.strip()
    if region.organization.regions.filter(name__iexact=name).exclude(pk=region.pk).exists():
        raise ValidationError({"name": f"There is already a region called “{name}”."})
    return model_update(instance=region, data={"name": name}, fields=("name",))


def _checked_email(*, email: str, organization_id: int | None, person: Person | None) -> str:
    """The normalized address, or a ValidationError that tells nothing about other
    organizations: a clash inside the organization is named (its admin sees that person),
    anything else gets UNUSABLE_EMAIL."""
    email = normalize_login_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": UNUSABLE_EMAIL}) from None
    others = Person.objects.filter(email=email)
    clash = (others.exclude(pk=person.pk) if person is not None else others).first()
    if clash is None:
        return email
    if organization_id is not None and clash.organization_id == organization_id:
        raise ValidationError({"email": f"{clash.name} already has this email here."})
    raise ValidationError({"email": UNUSABLE_EMAIL})


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
    by: Person | None = None,
) -> Person:
    """`by` is the person adding her (None for trusted callers: the demo, the CLI)."""
    if by is not None:
        access.require_new_person_role(by, role)
    person = Person(
        organization=organization,
        email=_checked_email(email=email, organization_id=organization.pk, person=None),
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
def person_update(*, person: Person, data: dict[str, object], by: Person | None = None) -> Person:
    """Change the given fields; a role or email in `data` goes through
    `person_change_role` / `person_change_email` with their checks. Compares with the
    stored row (a form may already have set the new values on `person`)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if "role" in data and data["role"] != person.role:
        person_change_role(person=person, role=str(data["role"]), by=by)
    if "email" in data and normalize_login_email(str(data["email"])) != person.email:
        person_change_email(person=person, email=str(data["email"]), by=by)
    return model_update(instance=person, data=data, fields=PROFILE_FIELDS)


def _refuse_if_needed_as(person: Person, *, field: str, keeps: str) -> None:
    """Refuse (on `field`) a change after which `person` holds the role `keeps` ("" when
    deactivated) if that would leave a team's manager not an active manager, a program's
    owner not an eligible owner, or the organization without an active admin; the
    message says what to change first."""
    from sustain.programs.models import Program

    teams = list(Team.objects.filter(manager=person).values_list("name", flat=True))
    if teams and keeps != Role.MANAGER:
        names = ", ".join(teams)
        message = f"{person.name} manages {names}: give the team another manager first."
        raise ValidationError({field: message})
    programs = list(Program.objects.filter(owner=person).values_list("name", flat=True))
    if programs and keeps not in access.PROGRAM_OWNER_ROLES:
        raise ValidationError(
            {field: f"{person.name} owns {', '.join(programs)}: name another owner first."}
        )
    if person.role == Role.ADMIN and keeps != Role.ADMIN:
        others = Person.objects.filter(
            organization=person.organization_id, role=Role.ADMIN, is_active=True
        ).exclude(pk=person.pk)
        if not others.exists():
            raise ValidationError(
                {field: f"{person.name} is the organization's last admin: make another first."}
            )


@transaction.atomic
def person_change_role(*, person: Person, role: str, by: Person | None = None) -> Person:
    """Give `person` another role. Refused (403) unless `by` may; refused (400, saying
    what to change first) when a team or program depends on her current role."""
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    if by is not None:
        access.require_role_change(by, person, role)
    if role == person.role:
        return person
    _refuse_if_needed_as(person, field="role", keeps=role)
    before = person.role
    person.role = role
    person.full_clean()
    person.save(update_fields=["role"])
    audit_record(
        kind=AuditKind.ROLE_CHANGED,
        organization=person.organization,
        actor=by,
        subject=person,
        summary=f"{person.name}: role {before} → {role}",
        detail={"from": before, "to": role},
    )
    return person


@transaction.atomic
def person_change_email(*, person: Person, email: str, by: Person | None = None) -> Person:
    """Change a login email (the account): admins only."""
    if by is not None:
        access.require_login_email_change(by, person)
    before = person.email
    person.email = _checked_email(
        email=email, organization_id=person.organization_id, person=person
    )
    person.full_clean()
    person.save(update_fields=["email"])
    audit_record(
        kind=AuditKind.EMAIL_CHANGED,
        organization=person.organization,
        actor=by,
        subject=person,
        summary=f"{person.name}: email {before} → {person.email}",
        detail={"from": before, "to": person.email},
    )
    return person


@transaction.atomic
def person_deactivate(*, person: Person, by: Person | None = None) -> Person:
    """She can no longer log in (her sessions end: the auth backend refuses inactive
    people) nor use her tokens, and leaves due lists, digests and nudges. Nothing of her
    history is deleted: observations, plans and KPI values stay in the analysis."""
    if by is not None:
        access.require_active_change(by, person)
    if not person.is_active:
        return person
    _refuse_if_needed_as(person, field="is_active", keeps="")
    person.is_active = False
    person.save(update_fields=["is_active"])
    _withdraw_pending_messages(person)
    audit_record(
        kind=AuditKind.DEACTIVATED,
        organization=person.organization,
        actor=by,
        subject=person,
        summary=f"{person.name} deactivated",
    )
    return person


def _withdraw_pending_messages(person: Person) -> None:
    _withdraw_pending_messages_of([person.pk])


def _withdraw_pending_messages_of(person_ids: list[int]) -> None:
    """Digests and nudges queued for them but not yet sent stay unsent (a message being
    sent right now is left to finish)."""
    from sustain.notify.models import OutboxMessage, OutboxStatus

    OutboxMessage.objects.filter(recipient_id__in=person_ids, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.FAILED,
        claimed_until=None,
        last_error="Not sent: the recipient was deactivated.",
    )


@transaction.atomic
def people_deactivate_checked(*, person_ids: list[int]) -> None:
    """`person_deactivate` for many people at once, in two UPDATEs, for a caller that has
    already checked `_refuse_if_needed_as` for all of them together (the roster import,
    which sees the whole file's changes at once)."""
    Person.objects.filter(pk__in=person_ids).update(is_active=False)
    _withdraw_pending_messages_of(person_ids)


@transaction.atomic
def person_reactivate(*, person: Person, by: Person | None = None) -> Person:
    if by is not None:
        access.require_active_change(by, person)
    if person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    audit_record(
        kind=AuditKind.ACTIVATED,
        organization=person.organization,
        actor=by,
        subject=person,
        summary=f"{person.name} reactivated",
    )
    return person


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


TOKEN_MAX_DAYS = 3650
# Writing last_used_at on every request would turn each API read into a write.
TOKEN_LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_issue(
    *,
    person: Person,
    label: str = "",
    expires_in_days: int | None = None,
    by: Person | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; return it with its raw value, which is shown once and never stored.
    `by` is who asked (None: the system)."""
    if expires_in_days is not None and not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": f"A token expires after 1 to {TOKEN_MAX_DAYS} days, or never."}
        )
    raw = ApiToken.generate()
    expires_at = None
    if expires_in_days is not None:
        expires_at = timezone.now() + dt.timedelta(days=expires_in_days)
    token = model_create(
        ApiToken,
        person=person,
        label=label.strip(),
        digest=ApiToken.hash(raw),
        expires_at=expires_at,
    )
    audit_record(
        kind=AuditKind.TOKEN_CREATED,
        organization=person.organization,
        actor=by,
        subject=person,
        summary=f"API token “{token.label or token.pk}” created for {person.name}",
        detail={"token": token.pk, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return token, raw


def api_token_create(*, person: Person, label: str = "", expires_in_days: int | None = None) -> str:
    """The raw value of a new token for `person`, as `sustain token create` prints it."""
    _, raw = api_token_issue(person=person, label=label, expires_in_days=expires_in_days)
    return raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: Person | None) -> None:
    person = token.person
    audit_record(
        kind=AuditKind.TOKEN_REVOKED,
        organization=person.organization,
        actor=by,
        subject=person,
        summary=f"API token “{token.label or token.pk}” of {person.name} revoked",
        detail={"token": token.pk},
    )
    token.delete()


def api_token_authenticate(*, raw: str) -> Person | None:
    """The active person the token belongs to, or None if it is unknown, expired or hers
    is deactivated."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("person__organization")
        .filter(digest=ApiToken.hash(raw), person__is_active=True)
        .exclude(expires_at__lte=now)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
