"""The one way in to the audit log. Other apps call `audit_record` inside their own
transaction, so a change that rolls back leaves no record either."""

from __future__ import annotations

from sustain.audit.models import AuditEvent, AuditKind
from sustain.orgs.models import Organization, Person

# Who did it when no person did: the `sustain` command line, an import, the demo.
SYSTEM_ACTOR = "system"


def audit_record(
    *,
    kind: AuditKind,
    organization: Organization | None,
    actor: Person | None,
    summary: str,
    subject: Person | None = None,
    detail: dict[str, object] | None = None,
) -> AuditEvent:
    """Append one event. `actor` None means the system (command line, import, demo)."""
    return AuditEvent.objects.create(
        organization=organization,
        kind=kind,
        actor=actor,
        actor_label=actor.email if actor is not None else SYSTEM_ACTOR,
        subject=subject,
        subject_label=subject.email if subject is not None else "",
        summary=summary[:300],
        detail=detail or {},
    )
