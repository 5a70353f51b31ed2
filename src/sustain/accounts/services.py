"""Every write about signing in: the first run, invitations, passwords, lockouts."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from sustain.accounts import sso
from sustain.accounts.links import link_expires_on, set_password_url
from sustain.lib.urls import absolute_url
from sustain.notify.models import OutboxMessage
from sustain.notify.services import OutboxDraft, outbox_enqueue, outbox_enqueue_many
from sustain.orgs import services as org_services
from sustain.orgs.models import Organization, Person, Role, Team

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"
RESET_WINDOW_SECONDS = 300


class AlreadySetUp(Exception):
    """`sustain init` for an organization that exists already."""


@transaction.atomic
def organization_init(*, name: str, admin_email: str, admin_name: str = "") -> Person:
    """The first run: an organization and its first admin, who has no password yet.

    The admin is an organization admin, never Django staff: platform operators and
    organization admins are different people."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "The organization needs a name."})
    existing = Organization.objects.filter(slug=slugify(name)).first()
    if existing is not None:
        raise AlreadySetUp(
            f"The organization “{existing.name}” exists already (id {existing.pk}). "
            "Nothing was changed. Its admins invite people from the People page; "
            "a forgotten password is reset with “Forgot password?” on the sign-in page."
        )
    email = admin_email.strip().lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} already belongs to a person in Sustain."})
    organization = org_services.organization_create(name=name)
    return org_services.person_create(
        organization=organization,
        email=email,
        name=admin_name.strip() or email.split("@")[0],
        role=Role.ADMIN,
    )


def _link_email(person: Person, *, intro: str, sso_first: bool = False) -> str:
    login = absolute_url(reverse("login"))
    choose = f"Choose your password here:\n{set_password_url(person)}"
    if sso_first:
        # With single sign-on, the company account is the way in; the password is a spare.
        choose = (
            f"Sign in with your {sso.provider_name()} account at:\n{login}\n\n"
            f"Or choose a Sustain password here:\n{set_password_url(person)}"
        )
    return (
        f"Hello {person.name},\n\n{intro}\n\n{choose}\n\n"
        f"The link works once, until {link_expires_on():%d %B %Y}. If it has expired, "
        f"use “Forgot password?” at {login} or ask your administrator for a new one.\n\n"
        f"Your sign-in email is {person.email}.\n"
    )


def _invitation(person: Person, invited_by: Person | None) -> OutboxDraft:
    assert person.organization is not None  # invitations are for an organization's people
    org = person.organization.name
    by = f"{invited_by.name} has invited you" if invited_by else "You are invited"
    return OutboxDraft.for_person(
        person,
        kind=INVITATION,
        subject=f"Your invitation to Sustain at {org}",
        body=_link_email(
            person,
            intro=(
                f"{by} to Sustain, where {org} follows through on its sales training: "
                "your plans, coaching and refreshers in one place."
            ),
            sso_first=sso.enabled(),
        ),
    )


@transaction.atomic
def invitation_send(*, person: Person, invited_by: Person | None = None) -> None:
    """Email a person a link to choose her password. May be sent again: each invitation
    carries a fresh link, and every link stops working once the password is set."""
    if not person.is_active:
        raise ValidationError(f"{person.name} is deactivated: reactivate her before inviting.")
    if person.organization is None:
        raise ValidationError("Only people of an organization can be invited.")
    outbox_enqueue_many(messages=[_invitation(person, invited_by)])


def never_signed_in(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.filter(is_active=True, last_login__isnull=True, organization__isnull=False)


def not_invited() -> Q:
    """Never signed in and never sent an invitation (a condition on people)."""
    invited = OutboxMessage.objects.filter(recipient=OuterRef("pk"), kind=INVITATION)
    return Q(last_login__isnull=True) & ~Q(Exists(invited))


def never_invited(people: QuerySet[Person]) -> QuerySet[Person]:
    """Those of `people` who have never signed in and were never sent an invitation."""
    return never_signed_in(people).filter(not_invited())


@transaction.atomic
def invitations_send(
    *, people: QuerySet[Person], invited_by: Person | None = None, batch_size: int = 1000
) -> int:
    """Invite those of `people` who are active and have never signed in: the roster
    import's "invite everyone imported" and a team's "invite everyone" both come here.
    One query and one insert per batch, whatever the number. Returns how many were
    invited."""
    invited = 0
    batch: list[OutboxDraft] = []
    for person in never_signed_in(people).select_related("organization").iterator(batch_size):
        batch.append(_invitation(person, invited_by))
        if len(batch) == batch_size:
            invited += outbox_enqueue_many(messages=batch)
            batch = []
    return invited + outbox_enqueue_many(messages=batch)


@transaction.atomic
def organization_invite(*, organization: Organization, invited_by: Person | None = None) -> int:
    """Invite everyone of the organization who has never signed in and was never invited:
    the go-live checklist's one click after the roster import. Those invited before are
    left alone (a person's page re-sends one). Returns how many were invited.

    Refused while no mail server is set: the invitations would only be written to files,
    and the people would count as invited when the server is set later."""
    if not settings.SUSTAIN_MAIL_CONFIGURED:
        raise ValidationError(
            "No mail server is set, so the invitations would only be written to files: set "
            "SUSTAIN_EMAIL_HOST first (docs/operations.md), or invite people one at a time "
            "from their page."
        )
    people = never_invited(Person.objects.filter(organization=organization))
    return invitations_send(people=people, invited_by=invited_by)


@transaction.atomic
def team_invite(*, team: Team, invited_by: Person | None = None) -> int:
    """Invite the team's manager and members who have never signed in."""
    people = Person.objects.filter(Q(team=team) | Q(managed_teams=team)).distinct()
    return invitations_send(people=people, invited_by=invited_by)


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Email a reset link if `email` is an active person's. Says nothing either way: the
    page answers the same for unknown addresses, so it reveals no accounts."""
    person = (
        Person.objects.select_related("organization")
        .filter(email__iexact=email.strip(), is_active=True, organization__isnull=False)
        .first()
    )
    if person is None:
        return
    # At most one reset mail per person per five minutes: the form cannot be used to
    # flood someone's inbox.
    window = int(timezone.now().timestamp()) // RESET_WINDOW_SECONDS
    outbox_enqueue(
        recipient=person,
        kind=PASSWORD_RESET,
        dedupe_key=f"password-reset:{person.pk}:{window}",
        subject="Reset your Sustain password",
        body=_link_email(
            person,
            intro=(
                "Someone (we hope you) asked to reset your Sustain password. If it was not "
                "you, ignore this email: your password stays as it is."
            ),
        ),
    )


@transaction.atomic
def password_set(*, person: Person, password: str) -> Person:
    """Set a password after Django's validators accept it. This also spends every
    set-password link made before."""
    if not person.is_active:
        raise ValidationError("This account is deactivated.")
    password_validation.validate_password(password, person)
    person.set_password(password)
    person.save(update_fields=["password"])
    return person


def login_unlock(*, person: Person) -> int:
    """Lift a sign-in lockout on a person's account. Returns how many failed attempts were
    forgotten."""
    from axes.utils import reset

    return cast(int, reset(username=person.email.lower()))  # axes is untyped
