"""How django-axes names an account and what it tells a locked-out person."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def username(request: HttpRequest, credentials: dict[str, object] | None) -> str:
    """Failures are counted per account whatever the capitalisation typed."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower()


def locked(email: str) -> bool:
    """Whether the account `email` is locked out now."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures: int = sum(
        AccessAttempt.objects.filter(username=email.lower(), attempt_time__gte=since).values_list(
            "failures_since_start", flat=True
        )
    )
    return failures >= settings.AXES_FAILURE_LIMIT


def cooloff_minutes() -> int:
    cooloff: dt.timedelta = settings.AXES_COOLOFF_TIME
    return max(1, round(cooloff.total_seconds() / 60))
