"""The outbox, read-only, for the organization's admins."""

# No `from __future__ import annotations`: ninja reads the query parameters' types
# through @paginate's wrapper, whose globals do not hold this module's names.

import datetime as dt

from django.db.models import QuerySet
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from sustain.notify import selectors
from sustain.notify.models import OutboxMessage, OutboxStatus
from sustain.orgs.http import AuthenticatedHttpRequest

router = Router(tags=["outbox"])


class OutboxMessageOut(Schema):
    id: int
    created_at: dt.datetime
    kind: str
    to: str
    subject: str
    status: OutboxStatus
    attempts: int
    last_error: str
    sent_at: dt.datetime | None


@router.get("/outbox", response=list[OutboxMessageOut])
@paginate(LimitOffsetPagination)
def outbox_list(
    request: AuthenticatedHttpRequest, status: OutboxStatus | None = None
) -> QuerySet[OutboxMessage]:
    """Admins only: the organization's messages, newest first."""
    return selectors.outbox_list(viewer=request.user, status=status or "")
