"""Single sign-on with OpenID Connect, on mozilla-django-oidc.

Configured by the environment (`SUSTAIN_OIDC_ISSUER`, `SUSTAIN_OIDC_CLIENT_ID`,
`SUSTAIN_OIDC_CLIENT_SECRET`, `SUSTAIN_OIDC_PROVIDER_NAME`); the provider's endpoints come
from its discovery document, so Entra ID, Google Workspace and Okta need only their issuer.
A sign-in is matched by email, case-insensitively, to an existing active person: single
sign-on never creates anyone."""

from __future__ import annotations

import threading
from typing import Any, cast

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from sustain.orgs.models import Person

# The library's endpoint settings, and where the discovery document names them.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
REFUSED_EMAIL = "sso_refused_email"

_documents: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    pass


def enabled() -> bool:
    return bool(settings.SUSTAIN_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider_name() -> str:
    return settings.SUSTAIN_OIDC_PROVIDER_NAME


def discovery(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, fetched once per process."""
    with _lock:
        if issuer in _documents:
            return _documents[issuer]
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError("the discovery document is not a JSON object")
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(str(exc)) from exc
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(
            f"The discovery document names issuer {document.get('issuer')!r}, not {issuer!r}."
        )
    with _lock:
        _documents[issuer] = document
    return document


def setting(attr: str, *default: Any) -> Any:
    """The library's settings, with the endpoints taken from discovery."""
    if attr in DISCOVERED and not getattr(settings, attr, None):
        return discovery(settings.SUSTAIN_OIDC_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def claimed_email(claims: dict[str, Any]) -> str:
    """Google and Okta send `email`; Entra ID often only `preferred_username` (the UPN)."""
    for key in ("email", "preferred_username", "upn"):
        value = str(claims.get(key) or "").strip()
        if "@" in value:
            return value.lower()
    return ""


class SsoBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every sign-in; read the provider only when used.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Person | None:
        if request is None or "nonce" not in kwargs or not enabled():
            return None  # not an OIDC callback: a password sign-in, the test client...
        super().__init__()
        return cast(Person | None, super().authenticate(request, **kwargs))

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # A provider that says the address is unverified does not vouch for the person.
        return bool(claimed_email(claims)) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = claimed_email(claims)
        people = Person.objects.filter(
            email__iexact=email, is_active=True, organization__isnull=False
        )
        if not people.exists():
            self.request.session[REFUSED_EMAIL] = email
        return people

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> Any:
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except SuspiciousOperation:
            self.request.session[REFUSED_EMAIL] = ""
            raise


class SsoStart(OIDCAuthenticationRequestView):
    get_settings = staticmethod(setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            return render(
                request, "accounts/sso_unavailable.html", {"provider": provider_name()}, status=502
            )
        self.OIDC_RP_CLIENT_ID = setting("OIDC_RP_CLIENT_ID")
        request.session.pop(REFUSED_EMAIL, None)
        return cast(HttpResponse, super().get(request))


class SsoCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        return cast(HttpResponse, super().get(request))
