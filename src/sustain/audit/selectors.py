"""Reads of the audit log, scoped through `access`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sustain.audit.models import AuditEvent
from sustain.orgs import access
from sustain.orgs.models import Person


def audit_events_list(
    *, viewer: Person, person: Person | None = None, kind: str = ""
) -> QuerySet[AuditEvent]:
    """The viewer's organization's events, newest first; `person` keeps those she did or
    that concern her. 403 unless the viewer reads the audit log."""
    events = access.audit_events_visible_to(viewer)
    if person is not None:
        events = events.filter(Q(actor=person) | Q(subject=person))
    if kind:
        events = events.filter(kind=kind)
    return events


def audit_person_for(viewer: Person, pk: object) -> Person:
    """A person of the viewer's organization to filter the log by: 404 for anyone else."""
    access.audit_events_visible_to(viewer)
    return access.get_person_for(viewer, pk)


def audit_people(*, viewer: Person) -> QuerySet[Person]:
    """The people the log mentions, for its filter: a bounded list in a large organization."""
    events = access.audit_events_visible_to(viewer)
    return (
        Person.objects.filter(organization=viewer.organization_id)
        .filter(Q(pk__in=events.values("actor")) | Q(pk__in=events.values("subject")))
        .only("pk", "name", "email")
        .order_by("name")
    )
