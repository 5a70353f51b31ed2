"""Set-password links: signed, single use, expiring.

The token is Django's password-reset token: it hashes the person's password and last login,
so it stops working once the password is set (or the person signs in), and it carries its
own timestamp, checked against PASSWORD_RESET_TIMEOUT (seven days)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from sustain.lib.urls import absolute_url
from sustain.orgs.models import Person

tokens = PasswordResetTokenGenerator()


class LinkState(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    DEACTIVATED = "deactivated"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class LinkCheck:
    state: LinkState
    person: Person | None = None


def set_password_url(person: Person) -> str:
    """The absolute link a person follows to choose a password."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return absolute_url(reverse("password_set", args=[uid, tokens.make_token(person)]))


def link_expires_on(now: dt.datetime | None = None) -> dt.date:
    now = now or timezone.now()
    return timezone.localdate(now + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))


def link_check(uidb64: str, token: str) -> LinkCheck:
    """What a set-password link is worth now. A token that does not verify is called
    expired when its timestamp is past the timeout, else used (the password or the last
    login changed since it was made)."""
    try:
        person = Person.objects.select_related("organization").get(
            pk=int(force_str(urlsafe_base64_decode(uidb64)))
        )
    except (ValueError, TypeError, OverflowError, Person.DoesNotExist):
        return LinkCheck(LinkState.INVALID)
    if not person.is_active:
        return LinkCheck(LinkState.DEACTIVATED, person)
    if tokens.check_token(person, token):
        return LinkCheck(LinkState.VALID, person)
    try:
        made = base36_to_int(token.split("-")[0])
    except ValueError:
        return LinkCheck(LinkState.INVALID)
    if tokens._num_seconds(tokens._now()) - made > settings.PASSWORD_RESET_TIMEOUT:
        return LinkCheck(LinkState.EXPIRED, person)
    return LinkCheck(LinkState.USED, person)
