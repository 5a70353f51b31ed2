"""Certification endpoints: a manager's four components and status; quiz, assessments
and diagnosis cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.api.pagination import PageRows, paginated
from sustain.api.schemas import Input, Output
from sustain.certification import selectors, services
from sustain.certification.models import DiagnosisAnswer, DiagnosisCase, RoleModelAssessment
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Person
from sustain.programs.models import Program

router = Router(tags=["certification"])


class ComponentOut(Schema):
    passed: bool
    evidence: str


class ComponentsOut(Schema):
    terminology: ComponentOut
    role_model: ComponentOut
    diagnosis: ComponentOut
    consistency: ComponentOut


class CertificationOut(Schema):
    manager: int
    program: int
    status: str
    certified_on: dt.date | None
    components: ComponentsOut


class QuizAnswerIn(Input):
    term: int
    choice: int


class QuizIn(Input):
    answers: list[QuizAnswerIn] = Field(max_length=200)


class QuizResultOut(Schema):
    correct: int
    total: int
    pct: int


class RoleModelScoreIn(Input):
    concept: int
    # Range checked by the service, so a 5 gets the same clear 400 from page and API.
    score: int | None = Field(description="1-4, or null: not observed in this role-play")


class AssessmentIn(Input, ModelSchema):
    scores: list[RoleModelScoreIn] = Field(
        max_length=200, description="one row for every concept of the program"
    )

    class Meta:
        model = RoleModelAssessment
        fields = ["date", "notes"]


class CaseIn(Input, ModelSchema):
    class Meta:
        model = DiagnosisCase
        fields = ["title", "situation", "root_cause", "prescription"]


class CaseOut(Output, ModelSchema):
    class Meta:
        model = DiagnosisCase
        fields = ["id", "title", "situation"]


class CaseAnswerIn(Input, ModelSchema):
    prescription: str = ""

    class Meta:
        model = DiagnosisAnswer
        fields = ["root_cause"]


class CaseAnswerOut(Schema):
    id: int
    attempt: int
    correct: bool | None = Field(description="None until every case of the attempt is answered.")
    model_root_cause: str | None = None
    model_prescription: str | None = None


class AttemptOut(Schema):
    number: int
    started_at: dt.datetime
    completed_at: dt.datetime | None
    correct: int | None
    answers: list[dict[str, Any]]


def answer_out(answer: Any, shown: bool) -> dict[str, Any]:
    """Results and the model answer only once the attempt is complete."""
    return {
        "id": answer.pk,
        "case": answer.case_id,
        "attempt": answer.attempt.number,
        "root_cause": answer.root_cause,
        "prescription": answer.prescription,
        "correct": answer.correct if shown else None,
        "model_root_cause": answer.case.root_cause if shown else None,
        "model_prescription": answer.case.prescription if shown else None,
    }


def attempt_out(row: dict[str, Any]) -> dict[str, Any]:
    a = row["attempt"]
    return {
        "number": a.number,
        "started_at": a.started_at,
        "completed_at": a.completed_at,
        "correct": row["right"] if row["shown"] else None,
        "answers": [answer_out(x, row["shown"]) for x in row["answers"].values()],
    }


def _program(request: AuthenticatedHttpRequest, manager_id: int, program_id: int | None) -> Program:
    if program_id is not None:
        return access.get_program_for(request.user, program_id)
    program = (
        access.programs_visible_to(request.user)
        .filter(enrollments__person_id=manager_id)
        .order_by("-created_at")
        .first()
    )
    if program is None:
        raise Http404
    return program


def certification_out(program: Program, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "manager": row["manager"].pk,
        "program": program.pk,
        "status": row["status"],
        "certified_on": row["certified_on"],
        "components": row["components"],
    }


@router.get("/managers/{manager_id}/certification", response=CertificationOut)
def manager_certification(
    request: AuthenticatedHttpRequest, manager_id: int, program: int | None = None
) -> dict[str, Any]:
    """`program` defaults to the latest program the manager is enrolled in."""
    prog = _program(request, manager_id, program)
    manager = access.get_manager_for(request.user, prog, manager_id)
    row = selectors.certification_rows(
        program=prog, managers=[manager], today=timezone.localdate()
    )[0]
    return certification_out(prog, row)


@router.get("/programs/{program_id}/certifications", response=list[CertificationOut])
@paginated
def program_certifications(
    request: AuthenticatedHttpRequest, program_id: int
) -> PageRows[Person, dict[str, Any]]:
    """The managers by name; each page's statuses are computed when it is cut."""
    program = access.get_program_for(request.user, program_id)
    managers = access.managers_certifiable_by(request.user, program).order_by("name", "pk")
    today = timezone.localdate()
    return PageRows(
        managers,
        lambda page: [
            certification_out(program, r)
            for r in selectors.certification_rows(program=program, managers=page, today=today)
        ],
    )


@router.post("/programs/{program_id}/terminology-quiz", response={201: QuizResultOut})
def quiz_submit(request: AuthenticatedHttpRequest, program_id: int, payload: QuizIn) -> Status[Any]:
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, request.user.pk)
    attempt = services.terminology_submit(
        program=program, manager=manager, answers={a.term: a.choice for a in payload.answers}
    )
    return Status(201, {"correct": attempt.correct, "total": attempt.total, "pct": attempt.pct})


@router.post(
    "/programs/{program_id}/managers/{manager_id}/role-model", response={201: CertificationOut}
)
def role_model_create(
    request: AuthenticatedHttpRequest, program_id: int, manager_id: int, payload: AssessmentIn
) -> Status[Any]:
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, manager_id)
    if not access.can_assess(request.user, program):
        raise PermissionDenied("Only the program owner or the trainer assesses role-plays.")
    scores = {row.concept: row.score for row in payload.scores}
    if len(scores) != len(payload.scores):
        raise ValidationError({"scores": "Score each concept once."})
    services.role_model_assess(
        program=program,
        manager=manager,
        assessor=request.user,
        scores=scores,
        **payload.dict(include={"date", "notes"}),
    )
    row = selectors.certification_rows(
        program=program, managers=[manager], today=timezone.localdate()
    )[0]
    return Status(201, certification_out(program, row))


@router.get("/programs/{program_id}/diagnosis-cases", response=list[CaseOut])
@paginated
def cases_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[DiagnosisCase]:
    program = access.get_program_for(request.user, program_id)
    return program.diagnosis_cases.order_by("id")


@router.post("/programs/{program_id}/diagnosis-cases", response={201: CaseOut})
def cases_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: CaseIn
) -> Status[Any]:
    program = access.get_program_for(request.user, program_id, write=True)
    return Status(201, services.diagnosis_case_create(program=program, **payload.dict()))


@router.post("/diagnosis-cases/{case_id}/answers", response={201: CaseAnswerOut})
def cases_answer(
    request: AuthenticatedHttpRequest, case_id: int, payload: CaseAnswerIn
) -> Status[Any]:
    case = access.get_diagnosis_case_for(request.user, case_id)
    manager = access.get_manager_for(request.user, case.program, request.user.pk)
    answer = services.diagnosis_answer(
        case=case, manager=manager, **payload.dict(include={"root_cause", "prescription"})
    )
    attempt = answer.attempt
    assert attempt is not None  # diagnosis_answer files every answer under an attempt
    attempt.refresh_from_db()
    return Status(201, answer_out(answer, attempt.completed))


@router.get("/programs/{program_id}/diagnosis-attempts", response=list[AttemptOut])
@paginated
def attempts_list(request: AuthenticatedHttpRequest, program_id: int) -> list[dict[str, Any]]:
    """The signed-in manager's own attempts, newest first."""
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, request.user.pk)
    return [attempt_out(r) for r in selectors.diagnosis_attempts(program=program, manager=manager)]


@router.post("/programs/{program_id}/diagnosis-attempts", response={201: AttemptOut})
def attempts_retake(request: AuthenticatedHttpRequest, program_id: int) -> Status[dict[str, Any]]:
    """A retake: a new attempt, once the current one is complete."""
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, request.user.pk)
    attempt = services.diagnosis_retake(program=program, manager=manager)
    return Status(201, attempt_out({"attempt": attempt, "shown": False, "answers": {}, "right": 0}))
