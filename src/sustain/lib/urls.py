"""Links that leave the site (emails, printed by commands) must be absolute."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from `reverse`) on the deployment's public address, `SUSTAIN_BASE_URL`."""
    return settings.SUSTAIN_BASE_URL.rstrip("/") + "/" + path.lstrip("/")
