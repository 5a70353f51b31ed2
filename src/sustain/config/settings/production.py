"""A deployment reachable by others: `DJANGO_SETTINGS_MODULE=sustain.config.settings.production`.

Behind a TLS-terminating proxy that sets `X-Forwarded-Proto`. Requires
`SUSTAIN_SECRET_KEY`; everything else has a safe default that the environment may
change (docs/operations.md lists the variables)."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes")


SECRET_KEY = os.environ.get("SUSTAIN_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SUSTAIN_SECRET_KEY must be set to a random string of at least 50 characters, e.g. "
        "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
DEBUG = False
# Webhooks never reach the server's own network (SSRF).
SUSTAIN_CHANNELS_ALLOW_PRIVATE = False

# The proxy terminates TLS and says so in this header; trust it only behind such a proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off only where the proxy itself redirects http to https.
SECURE_SSL_REDIRECT = _flag("SUSTAIN_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# A year, as browsers' preload lists expect; start lower (e.g. 300) while trying TLS out.
SECURE_HSTS_SECONDS = int(os.environ.get("SUSTAIN_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SUSTAIN_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SUSTAIN_HSTS_PRELOAD", True)
