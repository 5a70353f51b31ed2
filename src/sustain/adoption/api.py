"""Calls and adoption endpoints: upload a call, read its detections, label them, re-score a
program, read the calibration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from sustain.adoption import detectors, selectors, services
from sustain.adoption.models import Call
from sustain.api.schemas import Input
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

router = Router(tags=["adoption"])


class CallCreatedOut(Schema):
    id: int
    status: str


class CallEvidenceOut(Schema):
    start: str
    text: str


class CallConceptOut(Schema):
    concept: int
    used: bool
    score: float
    evidence: list[CallEvidenceOut]
    label: bool | None = None


class CallOut(Schema):
    id: int
    rep: int
    date: dt.date
    status: str
    error: str
    concepts: list[CallConceptOut]


class LabelIn(Input):
    concept: int
    used: bool


class LabelOut(Schema):
    call: int
    concept: int
    used: bool


class CalibrationConceptOut(Schema):
    concept: int
    name: str
    labels: int
    precision: float | None
    recall: float | None
    kappa: float | None
    calibrated: bool


class CalibrationOut(Schema):
    minimum_labels: int
    # How the figures are kept out of sample, e.g. "5-fold cross-validation by call".
    validation: str
    # The detector whose agreement is shown: "semantic" or "lexical".
    detector: str
    concepts: list[CalibrationConceptOut]


class QueuedOut(Schema):
    status: str


def call_out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "rep": call.rep_id,
        "date": call.date,
        "status": call.status,
        "error": call.error,
        "concepts": [
            {
                "concept": row["concept"].pk,
                "used": row["detection"].used,
                "score": row["detection"].score,
                "evidence": row["detection"].evidence,
                "label": row["label"],
            }
            for row in selectors.detections_with_labels(call)
        ],
    }


@router.post("/calls", response={201: CallCreatedOut})
def call_create(
    request: AuthenticatedHttpRequest,
    file: File[UploadedFile],
    rep: Form[int],
    date: Form[dt.date],
    program: Form[int],
) -> Status[Any]:
    viewer = request.user
    the_program = access.get_program_for(viewer, program)
    the_rep = access.get_call_rep_for(viewer, rep)
    upload = services.Upload(file.name or "transcript", services.read_upload(file))
    calls = services.calls_create(
        uploaded_by=viewer, program=the_program, rep=the_rep, date=date, uploads=[upload]
    )
    calls[0].refresh_from_db(fields=["status"])
    return Status(201, {"id": calls[0].pk, "status": calls[0].status})


@router.get("/calls/{call_id}", response=CallOut)
def call_detail(request: AuthenticatedHttpRequest, call_id: int) -> dict[str, Any]:
    access.get_call_for(request.user, call_id)
    call = selectors.calls_of(Call.objects.filter(pk=call_id)).get()
    return call_out(call)


@router.post("/calls/{call_id}/labels", response={201: LabelOut})
def label_create(request: AuthenticatedHttpRequest, call_id: int, payload: LabelIn) -> Status[Any]:
    call = access.get_call_for(request.user, call_id, label=True)
    concept = access.get_concept_for(request.user, payload.concept)
    label = services.label_set(
        call=call, concept=concept, used=payload.used, labeled_by=request.user
    )
    return Status(201, {"call": call.pk, "concept": concept.pk, "used": label.used})


@router.post("/programs/{program_id}/adoption/rescore", response={202: QueuedOut})
def rescore(request: AuthenticatedHttpRequest, program_id: int) -> Status[Any]:
    from sustain.adoption.tasks import rescore_program

    program = access.get_program_for(request.user, program_id)
    if not access.can_rescore_adoption(request.user, program):
        raise PermissionDenied("Managers and the program's editors re-score calls.")
    transaction.on_commit(lambda: rescore_program.enqueue(program.pk))
    return Status(202, {"status": "queued"})


@router.get("/programs/{program_id}/adoption/calibration", response=CalibrationOut)
def calibration(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    program = access.get_program_for(request.user, program_id)
    detector = detectors.current()
    return {
        "minimum_labels": selectors.MIN_CALIBRATION_LABELS,
        "validation": selectors.CALIBRATION_VALIDATION,
        "detector": detector.name,
        "concepts": [
            {
                "concept": r.concept.pk,
                "name": r.concept.name,
                "labels": r.labels,
                "precision": r.precision,
                "recall": r.recall,
                "kappa": r.kappa,
                "calibrated": r.calibrated,
            }
            for r in selectors.calibration(program, detector)
        ],
    }
