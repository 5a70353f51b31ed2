from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from sustain.orgs.models import Person
from sustain.orgs.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`: tokens from the API tokens page, `POST /tokens` or
    `sustain token create EMAIL`. Unknown, expired and deactivated people's tokens fail."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = api_token_authenticate(raw=token)
        if person is not None:
            request.user = person
        return person


def install(api: NinjaAPI) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # RFC 6750: a 401 names the scheme the client should use.
        response = api.create_response(
            request, {"detail": "Unauthorized", "errors": {}}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
