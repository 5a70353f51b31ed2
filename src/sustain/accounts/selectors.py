"""Reads about signing in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sustain.accounts import throttling
from sustain.accounts.services import INVITATION
from sustain.notify.models import OutboxMessage
from sustain.orgs.models import Person


def last_invited_at(*, person: Person) -> dt.datetime | None:
    return (
        OutboxMessage.objects.filter(recipient=person, kind=INVITATION)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def sign_in_status(*, person: Person) -> dict[str, Any]:
    return {
        "last_login": person.last_login,
        "invited_at": last_invited_at(person=person),
        "locked": throttling.locked(person.email),
    }
