"""Every write to programs, concepts, glossary, sessions and enrollment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from sustain.audit.models import AuditKind
from sustain.audit.services import audit_record
from sustain.lib.services import model_create, model_update
from sustain.orgs import access
from sustain.orgs.models import Organization, Person, Role
from sustain.programs.models import (
    Concept,
    Enrollment,
    GlossaryTerm,
    Program,
    ProgramStatus,
    WorkshopSession,
)

PROGRAM_FIELDS = (
    "name",
    "vendor",
    "description",
    "owner",
    "status",
    "budget_workshop",
    "budget_reinforcement",
    "closed_on",
)


def _check_owner(owner: Person | None) -> None:
    if owner is not None and not access.may_own_program(owner):
        raise ValidationError(
            {"owner": "A program's owner must be an executive, a program owner or an admin."}
        )


@transaction.atomic
def program_create(
    *,
    organization: Organization,
    name: str,
    vendor: str = "",
    description: str = "",
    owner: Person | None = None,
    status: str = ProgramStatus.DRAFT,
    budget_workshop: Decimal = Decimal(0),
    budget_reinforcement: Decimal = Decimal(0),
    closed_on: dt.date | None = None,
) -> Program:
    _check_owner(owner)
    return model_create(
        Program,
        organization=organization,
        name=name,
        vendor=vendor,
        description=description,
        owner=owner,
        status=status,
        budget_workshop=budget_workshop,
        budget_reinforcement=budget_reinforcement,
        closed_on=closed_on,
    )


@transaction.atomic
def program_update(
    *, program: Program, data: dict[str, object], by: Person | None = None
) -> Program:
    """An owner already in place stays until changed (readiness flags an ineligible one);
    a new owner must be eligible. A change of owner goes to the audit log with `by`, who
    made it (None: the system)."""
    # From the database: a ModelForm has already copied the new owner onto the instance.
    before_id = Program.objects.filter(pk=program.pk).values_list("owner", flat=True).first()
    owner_before = Person.objects.filter(pk=before_id).first() if before_id else None
    if "owner" in data and getattr(data["owner"], "pk", None) != before_id:
        new_owner = data["owner"]
        assert new_owner is None or isinstance(new_owner, Person)  # forms and API pass people
        _check_owner(new_owner)
    program = model_update(instance=program, data=data, fields=PROGRAM_FIELDS)
    if program.owner_id != (owner_before.pk if owner_before else None):
        audit_record(
            kind=AuditKind.PROGRAM_OWNER_CHANGED,
            organization=program.organization,
            actor=by,
            subject=program.owner,
            summary=(
                f"{program.name}: owner {owner_before.name if owner_before else 'none'}"
                f" → {program.owner.name if program.owner else 'none'}"
            ),
            detail={
                "program": program.pk,
                "from": owner_before.pk if owner_before else None,
                "to": program.owner_id,
            },
        )
    return program


@transaction.atomic
def concept_create(
    *, program: Program, name: str, description: str = "", position: int | None = None
) -> Concept:
    if position is None:
        last = program.concepts.aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
    return model_create(
        Concept, program=program, name=name, description=description, position=position
    )


@transaction.atomic
def concept_update(*, concept: Concept, data: dict[str, object]) -> Concept:
    return model_update(instance=concept, data=data, fields=("name", "description", "position"))


@transaction.atomic
def glossary_term_create(*, concept: Concept, term: str, definition: str) -> GlossaryTerm:
    if concept.terms.filter(term__iexact=term.strip()).exists():
        raise ValidationError({"term": f"“{term}” is already in this concept's glossary."})
    return model_create(GlossaryTerm, concept=concept, term=term.strip(), definition=definition)


@transaction.atomic
def session_create(
    *, program: Program, title: str, starts_on: dt.date, ends_on: dt.date, location: str = ""
) -> WorkshopSession:
    return model_create(
        WorkshopSession,
        program=program,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        location=location,
    )


@transaction.atomic
def enrollment_create(
    *,
    program: Program,
    person: Person,
    role: str | None = None,
    session: WorkshopSession | None = None,
    trained_on: dt.date | None = None,
) -> Enrollment:
    if program.enrollments.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already enrolled in this program."})
    return model_create(
        Enrollment,
        program=program,
        person=person,
        role=role or person.role or Role.REP,
        session=session,
        trained_on=trained_on,
    )


@transaction.atomic
def enrollment_update(*, enrollment: Enrollment, data: dict[str, object]) -> Enrollment:
    """Change role or session; `attended` (when given) records attendance and so the cohort."""
    data = dict(data)
    attended = data.pop("attended", None)
    model_update(instance=enrollment, data=data, fields=("role", "session"))
    if attended is not None:
        enrollment_record_attendance(enrollment=enrollment, attended=bool(attended))
    return enrollment


@transaction.atomic
def enrollments_add(
    *, program: Program, people: list[Person], session: WorkshopSession | None = None
) -> list[Enrollment]:
    """Enroll several people at once; all or none."""
    return [enrollment_create(program=program, person=p, session=session) for p in people]


@transaction.atomic
def enrollment_record_attendance(*, enrollment: Enrollment, attended: bool) -> Enrollment:
    """Attending the assigned session puts the person in that session's cohort."""
    if enrollment.session is None:
        raise ValidationError("Assign a workshop session before recording attendance.")
    enrollment.attended = attended
    enrollment.trained_on = enrollment.session.ends_on if attended else None
    enrollment.save(update_fields=["attended", "trained_on"])
    return enrollment


@dataclass(frozen=True)
class GroupEnrollment:
    created: list[Enrollment]
    already_enrolled: int


@transaction.atomic
def enrollments_add_group(
    *, program: Program, people: QuerySet[Person], session: WorkshopSession | None = None
) -> GroupEnrollment:
    """Enroll everyone active in `people` (a team, a region, a role, a selection) who is
    not enrolled yet, each in her own role; those already enrolled are left as they are.
    Three queries whatever the group's size."""
    if session is not None and session.program_id != program.pk:
        raise ValidationError({"session": "The session belongs to another program."})
    group = list(
        people.filter(organization_id=program.organization_id, is_active=True)
        .select_related(None)
        .only("pk", "role")
    )
    enrolled = set(
        program.enrollments.filter(person__in=[p.pk for p in group]).values_list(
            "person_id", flat=True
        )
    )
    created = Enrollment.objects.bulk_create(
        Enrollment(program=program, person=p, role=p.role or Role.REP, session=session)
        for p in group
        if p.pk not in enrolled
    )
    return GroupEnrollment(created=created, already_enrolled=len(enrolled))
