"""The outbox status page: an organization's admin sees what was sent, what waits and
what failed, without Django's admin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from sustain.notify import selectors
from sustain.notify.models import OutboxStatus
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

PER_PAGE = 50


@login_required
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in OutboxStatus.values:
        status = ""
    messages = selectors.outbox_list(viewer=request.user, status=status)
    counts = selectors.outbox_counts(viewer=request.user)
    return render(
        request,
        "notify/outbox.html",
        {
            "page": Paginator(messages, PER_PAGE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in OutboxStatus.choices
            ],
        },
    )


@login_required
def outbox_message(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = access.get_outbox_message_for(request.user, message_id)
    return render(request, "notify/message.html", {"message": message})
