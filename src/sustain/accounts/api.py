"""Invitations and sign-in lockouts over the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.responses import Status

from sustain.accounts import selectors, services
from sustain.accounts.links import link_expires_on
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

router = Router(tags=["invitations and sign-in"])


class InvitationOut(Schema):
    person: int
    email: str
    # The last day the emailed link works.
    expires_on: dt.date


class InvitedOut(Schema):
    invited: int


class GoLiveStepOut(Schema):
    key: str
    title: str
    # done, todo (the organization must act) or optional.
    state: str
    detail: str


class GoLiveOut(Schema):
    ready: bool
    never_invited: int
    steps: list[GoLiveStepOut]


class SignInOut(Schema):
    person: int
    locked: bool
    last_login: str | None
    last_invited_at: str | None


@router.post("/people/{person_id}/invite", response={202: InvitationOut})
def person_invite(request: AuthenticatedHttpRequest, person_id: int) -> Status[Any]:
    """Email the person a link to choose her password (again, if she was invited before).
    Admins only. 400 if the person is deactivated."""
    person = access.get_person_for(request.user, person_id)
    if not access.can_invite(request.user, person):
        raise PermissionDenied
    services.invitation_send(person=person, invited_by=request.user)
    return Status(
        202, InvitationOut(person=person.pk, email=person.email, expires_on=link_expires_on())
    )


@router.get("/organization/go-live", response=GoLiveOut, tags=["organization"])
def go_live(request: AuthenticatedHttpRequest) -> GoLiveOut:
    """What the organization still has to do before its people can use Sustain: people in,
    every team led, mail sent, everyone invited, a first program (single sign-on is
    optional). Admins only."""
    organization = request.user.organization
    if organization is None or not access.can_invite(request.user, organization):
        raise PermissionDenied
    status = selectors.go_live(organization=organization)
    return GoLiveOut(
        ready=status.ready,
        never_invited=status.never_invited,
        steps=[GoLiveStepOut(**vars(step)) for step in status.steps],
    )


@router.post("/organization/invite", response={202: InvitedOut})
def organization_invite(request: AuthenticatedHttpRequest) -> Status[Any]:
    """Invite everyone of the organization who has never signed in and was never invited
    (those invited before are re-sent one from their own page). Admins only. 400 while no
    mail server is set (the invitations would only be written to files)."""
    organization = request.user.organization
    if organization is None or not access.can_invite(request.user, organization):
        raise PermissionDenied
    sent = services.organization_invite(organization=organization, invited_by=request.user)
    return Status(202, InvitedOut(invited=sent))


@router.post("/teams/{team_id}/invite", response={202: InvitedOut})
def team_invite(request: AuthenticatedHttpRequest, team_id: int) -> Status[Any]:
    """Invite the team's manager and members who have never signed in. Admins only."""
    team = access.get_team_for(request.user, team_id)
    if not access.can_invite(request.user, team):
        raise PermissionDenied
    return Status(202, InvitedOut(invited=services.team_invite(team=team, invited_by=request.user)))


@router.get("/people/{person_id}/sign-in", response=SignInOut)
def person_sign_in(request: AuthenticatedHttpRequest, person_id: int) -> SignInOut:
    """Whether the person's sign-in is locked, when she last signed in and was invited."""
    person = access.get_person_for(request.user, person_id)
    if not access.can_unlock_sign_in(request.user, person):
        raise PermissionDenied
    status = selectors.sign_in_status(person=person)
    return SignInOut(
        person=person.pk,
        locked=status["locked"],
        last_login=status["last_login"].isoformat() if status["last_login"] else None,
        last_invited_at=status["invited_at"].isoformat() if status["invited_at"] else None,
    )


@router.post("/people/{person_id}/unlock", response={200: SignInOut})
def person_unlock(request: AuthenticatedHttpRequest, person_id: int) -> SignInOut:
    """Lift a sign-in lockout on the person's account. Admins only."""
    person = access.get_person_for(request.user, person_id)
    if not access.can_unlock_sign_in(request.user, person):
        raise PermissionDenied
    services.login_unlock(person=person)
    return person_sign_in(request, person_id)
