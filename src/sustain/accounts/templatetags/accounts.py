"""Sign-in panels that the people and team pages include, so those pages need no
knowledge of invitations or lockouts."""

from __future__ import annotations

from typing import Any

from django import template

from sustain.accounts import selectors
from sustain.orgs import access
from sustain.orgs.models import Person, Team

register = template.Library()


@register.inclusion_tag("accounts/_person_sign_in.html", takes_context=True)
def person_sign_in(context: dict[str, Any], person: Person) -> dict[str, Any]:
    viewer = context["request"].user
    if not access.can_invite(viewer, person):
        return {"show": False}
    return {
        "show": True,
        "person": person,
        "csrf_token": context.get("csrf_token"),
        **selectors.sign_in_status(person=person),
    }


@register.inclusion_tag("accounts/_team_invite.html", takes_context=True)
def team_invite_button(context: dict[str, Any], team: Team) -> dict[str, Any]:
    viewer = context["request"].user
    return {
        "show": access.can_invite(viewer, team),
        "team": team,
        "csrf_token": context.get("csrf_token"),
    }
