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


def audit_person_changes(
    *, actor: Person | None, person: Person, before: dict[str, object]
) -> None:
    """Record what changed among role, email and active status; `before` holds their
    values before the change (the caller's person_update)."""
    org = person.organization
    if before.get("role") != person.role:
        audit_record(
            kind=AuditKind.ROLE_CHANGED,
            organization=org,
            actor=actor,
            subject=person,
            summary=f"{person.name}: role {before.get('role')} → {person.role}",
            detail={"from": before.get("role"), "to": person.role},
        )
    if before.get("email") != person.email:
        audit_record(
            kind=AuditKind.EMAIL_CHANGED,
            organization=org,
            actor=actor,
            subject=person,
            summary=f"{person.name}: email {before.get('email')} → {person.email}",
            detail={"from": before.get("email"), "to": person.email},
        )
    if before.get("is_active") != person.is_active:
        kind = AuditKind.ACTIVATED if person.is_active else AuditKind.DEACTIVATED
        audit_record(
            kind=kind,
            organization=org,
            actor=actor,
            subject=person,
            summary=f"{person.name} {kind.label.lower()}",
        )


AUDITED_PERSON_FIELDS = ("role", "email", "is_active")


def person_snapshot(person: Person) -> dict[str, object]:
    """The audited fields of `person` as stored, to pass as `before` after a change. Read
    from the database: a ModelForm has already copied the new values onto the instance."""
    stored = Person.objects.filter(pk=person.pk).values(*AUDITED_PERSON_FIELDS).first()
    return stored or {}
