"""Reads of the outbox for the organization's admins."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from sustain.notify.models import OutboxMessage
from sustain.orgs import access
from sustain.orgs.models import Person


def outbox_list(*, viewer: Person, status: str = "") -> QuerySet[OutboxMessage]:
    """The viewer's organization's messages, newest first (403 unless she is an admin)."""
    messages = access.outbox_visible_to(viewer)
    if status:
        messages = messages.filter(status=status)
    return messages


def outbox_counts(*, viewer: Person) -> dict[str, int]:
    """How many messages are in each status, for the page's summary."""
    rows = access.outbox_visible_to(viewer).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows.order_by()}
