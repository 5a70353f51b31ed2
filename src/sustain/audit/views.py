"""The audit log page: admins read their organization's events, filtered by person and
kind. Read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from sustain.audit import selectors
from sustain.audit.models import AuditKind
from sustain.orgs.http import AuthenticatedHttpRequest

PER_PAGE = 50


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    person_id = request.GET.get("person", "")
    person = selectors.audit_person_for(request.user, person_id) if person_id else None
    kind = request.GET.get("kind", "")
    if kind not in AuditKind.values:
        kind = ""
    events = selectors.audit_events_list(viewer=request.user, person=person, kind=kind)
    page = Paginator(events.select_related("actor", "subject"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "person": person,
            "kind": kind,
            "kinds": AuditKind.choices,
            "people": selectors.audit_people(viewer=request.user),
        },
    )
