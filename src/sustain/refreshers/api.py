"""Refreshers: the signed-in person's due questions and answers (fixed contract under /me),
the question bank per concept, and retention aggregates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, cast

from django.http import Http404
from django.utils import timezone
from ninja import Field, File, ModelSchema, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from sustain.api.pagination import PageRows, paginated
from sustain.api.schemas import Input
from sustain.lib.uploads import TableRejected
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.refreshers import choice, selectors, services
from sustain.refreshers.models import Card, Question, QuestionKind

router = Router(tags=["refreshers"])


# A choice is a possible answer: as long as the answer column allows.
Choice = Annotated[str, Field(max_length=Question._meta.get_field("answer").max_length)]


class DueOut(Schema):
    id: int
    concept: str
    kind: str
    prompt: str
    choices: list[str]
    due: dt.date


class AnswerIn(Input):
    answer: Choice


class AnswerOut(Schema):
    correct: bool
    correct_answer: str
    explanation: str
    next_due: dt.date


class QuestionOut(Schema):
    id: int
    concept: int
    kind: str
    prompt: str
    choices: list[str]
    answer: str | None = Field(
        description="None for a participant who has not answered this question yet."
    )
    explanation: str | None

    @staticmethod
    def resolve_concept(obj: Any) -> int:
        return cast(int, obj["concept"].pk if isinstance(obj, dict) else obj.concept_id)


class QuestionIn(Input, ModelSchema):
    kind: QuestionKind = QuestionKind.CHOICE
    choices: list[Choice] = Field(min_length=2, max_length=8)

    class Meta:
        model = Question
        fields = ["prompt", "answer", "explanation"]


class QuestionPatch(Input, ModelSchema):
    kind: QuestionKind | None = None
    choices: list[Choice] | None = Field(None, min_length=2, max_length=8)

    class Meta:
        model = Question
        fields = ["prompt", "answer", "explanation"]
        fields_optional = "__all__"


class CellErrorOut(Schema):
    row: int
    column: str
    message: str


class BankImportOut(Schema):
    created: int
    errors: list[CellErrorOut]


class RetentionOut(Schema):
    week: dt.date
    group: str
    retention: float
    answers: int


@router.get("/me/refreshers/due", response=list[DueOut])
@paginated
def me_due(request: AuthenticatedHttpRequest) -> PageRows[Card, dict[str, Any]]:
    """Her due cards, the most overdue first."""
    cards = selectors.due_cards(person=request.user, today=timezone.localdate())
    return PageRows(cards, lambda page: [_due_out(c) for c in page])


def _due_out(c: Card) -> dict[str, Any]:
    return {
        "id": c.question_id,
        "concept": c.question.concept.name,
        "kind": c.question.kind,
        "prompt": c.question.prompt,
        "choices": choice.shuffled(c.question.choices),
        "due": c.due.date(),
    }


@router.post("/me/refreshers/{question_id}/answer", response=AnswerOut)
def me_answer(
    request: AuthenticatedHttpRequest, question_id: int, payload: AnswerIn
) -> dict[str, Any]:
    card = Card.objects.filter(person=request.user, question_id=question_id).first()
    if card is None:
        raise Http404
    review = services.refresher_answer(person=request.user, card=card, answer=payload.answer)
    question = review.card.question
    return {
        "correct": review.correct,
        "correct_answer": question.answer,
        "explanation": question.explanation,
        "next_due": review.next_due.date(),
    }


@router.get("/concepts/{concept_id}/questions", response=list[QuestionOut])
@paginated
def questions_list(request: AuthenticatedHttpRequest, concept_id: int) -> list[dict[str, Any]]:
    concept = access.get_concept_for(request.user, concept_id)
    return selectors.questions_shown_to(request.user, concept.questions.all())


@router.post("/concepts/{concept_id}/questions", response={201: QuestionOut})
def questions_create(
    request: AuthenticatedHttpRequest, concept_id: int, payload: QuestionIn
) -> Status[Question]:
    concept = access.get_concept_for(request.user, concept_id, write=True)
    return Status(201, services.question_create(concept=concept, **payload.dict()))


class _RetentionPage:
    """The retention rows one page at a time (`@paginated` counts it and slices it)."""

    def __init__(self, rows: selectors.RetentionRows, by: str) -> None:
        self.rows, self.by = rows, by

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return selectors.retention_points(self.rows[page], by=self.by)


@router.get("/programs/{program_id}/refreshers/retention", response=list[RetentionOut])
@paginated
def retention(
    request: AuthenticatedHttpRequest, program_id: int, by: Literal["concept", "team"] = "concept"
) -> _RetentionPage:
    """By week, then group name."""
    program = access.get_program_for(request.user, program_id)
    return _RetentionPage(selectors.retention_rows(program=program, by=by, viewer=request.user), by)


@router.patch("/questions/{question_id}", response=QuestionOut)
def questions_update(
    request: AuthenticatedHttpRequest, question_id: int, payload: QuestionPatch
) -> Question:
    question = access.get_question_for(request.user, question_id, write=True)
    return services.question_update(question=question, data=payload.dict(exclude_unset=True))


@router.delete("/questions/{question_id}", response={204: None})
def questions_delete(request: AuthenticatedHttpRequest, question_id: int) -> Status[None]:
    question = access.get_question_for(request.user, question_id, write=True)
    services.question_delete(question=question)
    return Status(204, None)


@router.post(
    "/programs/{program_id}/questions/import", response={200: BankImportOut, 400: BankImportOut}
)
def questions_import(
    request: AuthenticatedHttpRequest,
    program_id: int,
    file: File[UploadedFile],
    dry_run: bool = False,
) -> Status[dict[str, Any]]:
    """A question bank as CSV or XLSX (columns in docs/plans-and-refreshers.md): every row
    or none; a 400 lists each problem with its row and column."""
    program = access.get_program_for(request.user, program_id, write=True)
    try:
        created = services.questions_import(
            program=program, data=file.read(), filename=file.name or "", dry_run=dry_run
        )
    except TableRejected as exc:
        return Status(400, {"created": 0, "errors": [e.as_dict() for e in exc.errors]})
    return Status(200, {"created": len(created), "errors": []})
