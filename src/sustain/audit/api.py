"""The audit log, read-only: there is no endpoint that writes or deletes an event."""

# No `from __future__ import annotations`: ninja reads the query parameters' types
# through @paginate's wrapper, whose globals do not hold this module's names.

from django.db.models import QuerySet
from ninja import ModelSchema, Router

from sustain.api.pagination import paginated
from sustain.api.schemas import Output
from sustain.audit import selectors
from sustain.audit.models import AuditEvent, AuditKind
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

router = Router(tags=["audit log"])


class AuditEventOut(Output, ModelSchema):
    kind: AuditKind
    actor_email: str
    subject_email: str
    detail: dict[str, object]

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "subject", "summary", "detail"]

    @staticmethod
    def resolve_actor_email(obj: AuditEvent) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_subject_email(obj: AuditEvent) -> str:
        return obj.subject_label


@router.get("/audit", response=list[AuditEventOut])
@paginated
def audit_list(
    request: AuthenticatedHttpRequest, person: int | None = None, kind: AuditKind | None = None
) -> QuerySet[AuditEvent]:
    """Admins only. `person` keeps the events she did or that concern her."""
    who = selectors.audit_person_for(request.user, person) if person is not None else None
    return selectors.audit_events_list(viewer=request.user, person=who, kind=kind or "")


@router.get("/audit/{event_id}", response=AuditEventOut)
def audit_detail(request: AuthenticatedHttpRequest, event_id: int) -> AuditEvent:
    return access.get_audit_event_for(request.user, event_id)
