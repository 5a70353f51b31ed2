from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from sustain.orgs.models import Person
from sustain.orgs.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`, tokens made with `sustain token create EMAIL`."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = api_token_authenticate(raw=token)
        if person is not None:
            request.user = person
        return person
