"""Programs, concepts and glossary, workshop sessions and enrollment endpoints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.api.pagination import paginated
from sustain.api.schemas import Input, Output
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Person, Role
from sustain.programs import models, selectors, services
from sustain.programs.models import (
    Concept,
    Enrollment,
    Program,
    ProgramStatus,
    WorkshopSession,
)

router = Router(tags=["programs"])


class ProgramOut(Output, ModelSchema):
    budget_workshop: Decimal | None = Field(description="None for those who may not see costs.")
    budget_reinforcement: Decimal | None
    reinforcement_share: float | None

    class Meta:
        model = models.Program
        fields = ["id", "name", "vendor", "description", "owner", "status", "closed_on"]

    @staticmethod
    def resolve_budget_workshop(obj: Program, context: dict[str, Any]) -> Decimal | None:
        return obj.budget_workshop if _sees_costs(context, obj) else None

    @staticmethod
    def resolve_budget_reinforcement(obj: Program, context: dict[str, Any]) -> Decimal | None:
        return obj.budget_reinforcement if _sees_costs(context, obj) else None

    @staticmethod
    def resolve_reinforcement_share(obj: Program, context: dict[str, Any]) -> float | None:
        return obj.reinforcement_share if _sees_costs(context, obj) else None


def _sees_costs(context: dict[str, Any], program: Program) -> bool:
    return access.sees_impact_costs(context["request"].user, program)


class ProgramIn(Input, ModelSchema):
    owner: int | None = None
    status: ProgramStatus = ProgramStatus.DRAFT
    budget_workshop: Decimal = Field(Decimal(0), ge=0)
    budget_reinforcement: Decimal = Field(Decimal(0), ge=0)

    class Meta:
        model = models.Program
        fields = ["name", "vendor", "description"]


class ProgramPatch(Input, ModelSchema):
    owner: int | None = None
    status: ProgramStatus | None = None
    budget_workshop: Decimal | None = Field(None, ge=0)
    budget_reinforcement: Decimal | None = Field(None, ge=0)

    class Meta:
        model = models.Program
        fields = ["name", "vendor", "description", "closed_on"]
        fields_optional = "__all__"


class TermOut(Output, ModelSchema):
    class Meta:
        model = models.GlossaryTerm
        fields = ["id", "term", "definition"]


class TermIn(Input, ModelSchema):
    class Meta:
        model = models.GlossaryTerm
        fields = ["term", "definition"]


class ConceptOut(Output, ModelSchema):
    terms: list[TermOut]

    class Meta:
        model = models.Concept
        fields = ["id", "position", "name", "description"]


class ConceptIn(Input, ModelSchema):
    position: int | None = Field(None, ge=0)

    class Meta:
        model = models.Concept
        fields = ["name", "description"]


class SessionOut(Output, ModelSchema):
    class Meta:
        model = models.WorkshopSession
        fields = ["id", "title", "starts_on", "ends_on", "location"]


class SessionIn(Input, ModelSchema):
    class Meta:
        model = models.WorkshopSession
        fields = ["title", "starts_on", "ends_on", "location"]


class EnrollmentOut(Output, ModelSchema):
    name: str = Field(description="The person's name.")

    class Meta:
        model = models.Enrollment
        fields = ["id", "person", "role", "session", "attended", "trained_on"]

    @staticmethod
    def resolve_name(obj: Enrollment) -> str:
        return obj.person.name


class EnrollmentIn(Input):
    """One person (`person`, as before: `role` is then her role in the program), or a
    group: `people` (ids) or everyone active matching `team`, `region` and `role` (those
    given, combined)."""

    person: int | None = None
    people: list[int] | None = Field(None, min_length=1, max_length=10000)
    team: int | None = None
    region: int | None = None
    role: Role | None = None
    session: int | None = None
    trained_on: dt.date | None = None


class EnrollmentGroupOut(Schema):
    enrolled: int
    already_enrolled: int
    enrollments: list[EnrollmentOut]


class EnrollmentPatch(Input, ModelSchema):
    session: int | None = None

    class Meta:
        model = models.Enrollment
        fields = ["role", "attended"]
        fields_optional = "__all__"


def _owner(request: AuthenticatedHttpRequest, owner_id: int | None) -> dict[str, object]:
    return {} if owner_id is None else {"owner": access.get_person_for(request.user, owner_id)}


@router.get("/programs", response=list[ProgramOut])
@paginated
def programs_list(request: AuthenticatedHttpRequest) -> QuerySet[Program]:
    """The programs the caller may see, newest first (then by id)."""
    return selectors.programs_list(viewer=request.user).order_by("-created_at", "-id")


@router.get("/programs/{program_id}", response=ProgramOut)
def programs_detail(request: AuthenticatedHttpRequest, program_id: int) -> Program:
    return access.get_program_for(request.user, program_id)


@router.post("/programs", response={201: ProgramOut})
def programs_create(request: AuthenticatedHttpRequest, payload: ProgramIn) -> Status[Program]:
    if not access.can_create_program(request.user):
        raise PermissionDenied("Only admins, executives and program owners create programs.")
    data = payload.dict()
    data.update(_owner(request, data.pop("owner")))
    org = access.get_organization_for(request.user)
    return Status(201, services.program_create(organization=org, **data))


@router.patch("/programs/{program_id}", response=ProgramOut)
def programs_update(
    request: AuthenticatedHttpRequest, program_id: int, payload: ProgramPatch
) -> Program:
    program = access.get_program_for(request.user, program_id, write=True)
    data = payload.dict(exclude_unset=True)
    if "owner" in data:
        data.update(_owner(request, data.pop("owner")))
    return services.program_update(program=program, data=data, by=request.user)


@router.get("/programs/{program_id}/concepts", response=list[ConceptOut])
@paginated
def concepts_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[Concept]:
    """The program's concepts in their order (position, then id)."""
    program = access.get_program_for(request.user, program_id)
    return selectors.concepts_with_terms(program=program).order_by("position", "id")


@router.post("/programs/{program_id}/concepts", response={201: ConceptOut})
def concepts_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: ConceptIn
) -> Status[Concept]:
    program = access.get_program_for(request.user, program_id, write=True)
    return Status(201, services.concept_create(program=program, **payload.dict()))


@router.patch("/concepts/{concept_id}", response=ConceptOut)
def concepts_update(
    request: AuthenticatedHttpRequest, concept_id: int, payload: ConceptIn
) -> Concept:
    concept = access.get_concept_for(request.user, concept_id, write=True)
    return services.concept_update(concept=concept, data=payload.dict(exclude_unset=True))


@router.post("/concepts/{concept_id}/terms", response={201: TermOut})
def terms_create(
    request: AuthenticatedHttpRequest, concept_id: int, payload: TermIn
) -> Status[object]:
    concept = access.get_concept_for(request.user, concept_id, write=True)
    return Status(201, services.glossary_term_create(concept=concept, **payload.dict()))


@router.get("/programs/{program_id}/sessions", response=list[SessionOut])
@paginated
def sessions_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[WorkshopSession]:
    """The program's sessions by start date (then id)."""
    program = access.get_program_for(request.user, program_id)
    return program.sessions.order_by("starts_on", "id")


@router.post("/programs/{program_id}/sessions", response={201: SessionOut})
def sessions_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: SessionIn
) -> Status[WorkshopSession]:
    program = access.get_program_for(request.user, program_id, write=True)
    return Status(201, services.session_create(program=program, **payload.dict()))


@router.get("/programs/{program_id}/enrollments", response=list[EnrollmentOut])
@paginated
def enrollments_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[Enrollment]:
    """The enrollments the caller may see, by training date, then name (then id)."""
    program = access.get_program_for(request.user, program_id)
    if not access.sees_individuals(request.user):
        raise PermissionDenied("Trainers see enrollment counts, not individual people.")
    return selectors.enrollments_list(viewer=request.user, program=program).order_by(
        "trained_on", "person__name", "id"
    )


@router.post(
    "/programs/{program_id}/enrollments", response={201: EnrollmentOut | EnrollmentGroupOut}
)
def enrollments_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: EnrollmentIn
) -> Status[Enrollment | dict[str, object]]:
    """With `person`: that one enrollment. Otherwise a group, answered with the enrollments
    made and how many were enrolled already."""
    program = access.get_program_for(request.user, program_id, write=True)
    session = access.get_session_for(request.user, payload.session) if payload.session else None
    if payload.person is not None:
        person = access.get_person_for(request.user, payload.person)
        enrollment = services.enrollment_create(
            program=program,
            person=person,
            role=payload.role,
            session=session,
            trained_on=payload.trained_on,
        )
        return Status(201, enrollment)
    result = services.enrollments_add_group(
        program=program, people=_group(request, payload), session=session
    )
    return Status(
        201,
        {
            "enrolled": len(result.created),
            "already_enrolled": result.already_enrolled,
            "enrollments": result.created,
        },
    )


def _group(request: AuthenticatedHttpRequest, payload: EnrollmentIn) -> QuerySet[Person]:
    viewer = request.user
    if payload.people:
        people = access.people_visible_to(viewer).filter(pk__in=payload.people)
        missing = set(payload.people) - set(people.values_list("pk", flat=True))
        if missing:
            raise Http404
        return people
    if payload.team is None and payload.region is None and payload.role is None:
        raise ValidationError({"person": "Give a person, people, a team, a region or a role."})
    people = access.people_visible_to(viewer)
    if payload.team is not None:
        people = people.filter(team=access.get_team_for(viewer, payload.team))
    if payload.region is not None:
        region = access.get_region_for(viewer, payload.region)
        people = people.filter(Q(region=region) | Q(team__region=region))
    if payload.role is not None:
        people = people.filter(role=payload.role)
    return people


@router.patch("/enrollments/{enrollment_id}", response=EnrollmentOut)
def enrollments_update(
    request: AuthenticatedHttpRequest, enrollment_id: int, payload: EnrollmentPatch
) -> Enrollment:
    enrollment = access.get_enrollment_for(request.user, enrollment_id, write=True)
    data = payload.dict(exclude_unset=True)
    if data.get("session") is not None:
        data["session"] = access.get_session_for(request.user, data["session"])
    return services.enrollment_update(enrollment=enrollment, data=data)
