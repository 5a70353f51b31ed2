"""Writes refused with 403 go to the audit log: someone tried to change what her role
may not. Reads refused are not kept (a curious click is not an event), nor 404s (an
outsider's probe is indistinguishable from a typo, and would fill the log)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sustain.audit.models import AuditKind
from sustain.audit.services import audit_record

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AuditRefusedWritesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403 and request.method not in SAFE_METHODS:
            # The API's token auth replaces request.user during the call, so this is
            # whoever was refused, by session or by token.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.organization_id:
                audit_record(
                    kind=AuditKind.ACCESS_REFUSED,
                    organization=user.organization,
                    actor=user,
                    summary=f"{request.method} {request.path} refused",
                    detail={"method": request.method, "path": request.path[:500]},
                )
        return response
