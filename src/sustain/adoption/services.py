"""Writes: calls in (parsed, the rep's speaker found, nothing partial), detection, managers'
labels, re-scoring and the transcript retention sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sustain.adoption import detectors, parsers, selectors
from sustain.adoption.models import AdoptionPolicy, Call, CallStatus, Detection, Label
from sustain.orgs.models import Organization, Person, Role
from sustain.programs.models import Concept, Program

MAX_FILES = 200


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _speaker_keys(person: Person) -> set[str]:
    email = person.email.casefold()
    return {person.name.casefold(), email, email.split("@")[0].replace(".", " ")}


def match_rep_speaker(
    filename: str, turns: Sequence[parsers.Turn], candidates: Sequence[Person]
) -> tuple[Person, str]:
    """The one candidate who speaks in the call, by full name or email (the VTT voice
    tag, the JSON speaker, the line prefix)."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    found = {
        (p.pk, s): (p, s)
        for p in candidates
        for s in speakers
        if " ".join(s.casefold().replace("<", " ").replace(">", " ").split()) in _speaker_keys(p)
        or p.email.casefold() in s.casefold()
    }
    people = {pk for pk, _ in found}
    if len(people) == 1:
        return next(iter(found.values()))
    names = ", ".join(f"“{s}”" for s in speakers[:6])
    if not people:
        who = ", ".join(p.name for p in candidates[:3]) + ("…" if len(candidates) > 3 else "")
        raise ValidationError(
            {"file": f"{filename}: no speaker is the rep ({who}); the speakers are {names}."}
        )
    raise ValidationError(
        {"file": f"{filename}: several enrolled reps speak in this call ({names}); give the rep."}
    )


def _enrolled_reps(program: Program) -> list[Person]:
    return list(Person.objects.filter(enrollments__program=program, role=Role.REP, is_active=True))


@transaction.atomic
def calls_create(
    *,
    uploaded_by: Person | None,
    program: Program,
    rep: Person | None,
    date: dt.date,
    uploads: Sequence[Upload],
) -> list[Call]:
    """Every file is parsed and its rep found before anything is written: one bad file
    and none is stored. `rep=None` finds the rep among the program's enrolled reps."""
    if not uploads:
        raise ValidationError({"file": "Choose at least one transcript file."})
    if len(uploads) > MAX_FILES:
        raise ValidationError({"file": f"At most {MAX_FILES} files at once."})
    enrolled = _enrolled_reps(program)
    if rep is not None and rep.pk not in {p.pk for p in enrolled}:
        raise ValidationError({"rep": f"{rep.name} is not a rep enrolled in {program.name}."})
    if date > timezone.localdate():
        raise ValidationError({"date": "The call's date is in the future."})
    parsed = []
    for up in uploads:
        try:
            turns = parsers.parse(up.filename, up.data)
        except parsers.TranscriptError as exc:
            raise ValidationError({"file": str(exc)}) from None
        person, speaker = match_rep_speaker(up.filename, turns, [rep] if rep else enrolled)
        parsed.append((up.filename, turns, person, speaker))
    calls = []
    for filename, turns, person, speaker in parsed:
        call = Call(
            organization=program.organization,
            program=program,
            rep=person,
            date=date,
            filename=filename[:255],
            rep_speaker=speaker,
            transcript=[[t.start, t.speaker, t.text, t.speaker == speaker] for t in turns],
            rep_turns=sum(t.speaker == speaker for t in turns),
            uploaded_by=uploaded_by,
        )
        call.full_clean()
        call.save()
        calls.append(call)
    ids = [c.pk for c in calls]
    transaction.on_commit(lambda: _enqueue(ids))
    return calls


def _enqueue(call_ids: list[int]) -> None:
    from sustain.adoption.tasks import process_call

    for pk in call_ids:
        process_call.enqueue(pk)


def _write_detections(
    call: Call,
    detector: detectors.Detector,
    profiles: Sequence[object],
    concepts: dict[int, Concept],
) -> None:
    turns = [(t[0], t[2]) for t in call.transcript or [] if t[3]]
    found = detector.detect(profiles, turns)
    Detection.objects.filter(call=call).delete()
    Detection.objects.bulk_create(
        Detection(
            call=call,
            concept=concepts[d.key],
            used=d.used,
            score=d.score,
            evidence=[{"start": s, "text": t} for s, t, _ in d.evidence],
            best_turn=d.best_turn if not d.used else "",
            detector=detector.name,
        )
        for d in found
    )


@transaction.atomic
def call_process(*, call: Call) -> Call:
    """Detect every concept of the program in the rep's turns, with the thresholds and
    examples learned from managers' labels so far."""
    concepts = {c.pk: c for c in call.program.concepts.all()}
    detector = detectors.current()
    profiles = selectors.profiles(call.program, detector)
    _write_detections(call, detector, profiles, concepts)
    call.status, call.error = CallStatus.DONE, ""
    call.save(update_fields=["status", "error"])
    return call


def call_mark(*, call_id: int, status: str, error: str = "") -> None:
    Call.objects.filter(pk=call_id).update(
        status=status, error=error[:2000], heartbeat_at=timezone.now()
    )


def calls_reap(*, stale_before: dt.datetime) -> int:
    """Fail calls whose worker died while scoring them; "Re-score" tries them again."""
    from sustain.notify.reaper import stale_jobs

    return stale_jobs("adoption.Call", stale_before=stale_before).update(
        status=CallStatus.FAILED,
        error="The worker stopped while scoring this call. Re-score the program to try again.",
    )


@transaction.atomic
def label_set(*, call: Call, concept: Concept, used: bool, labeled_by: Person) -> Label:
    if concept.program_id != call.program_id:
        raise ValidationError({"concept": "The concept is not one of this call's program."})
    label, _ = Label.objects.update_or_create(
        call=call,
        concept=concept,
        defaults={"used": used, "labeled_by": labeled_by, "labeled_at": timezone.now()},
    )
    return label


def program_rescore(*, program: Program) -> int:
    """Re-score every call of the program whose transcript is still kept; returns how many."""
    concepts = {c.pk: c for c in program.concepts.all()}
    detector = detectors.current()
    profiles = selectors.profiles(program, detector)
    calls = Call.objects.filter(program=program, transcript__isnull=False).exclude(
        status=CallStatus.QUEUED
    )
    n = 0
    for call in calls.iterator(chunk_size=100):
        with transaction.atomic():
            _write_detections(call, detector, profiles, concepts)
            call.status, call.error = CallStatus.DONE, ""
            call.save(update_fields=["status", "error"])
        n += 1
    return n


def retention_set(*, organization: Organization, retention_days: int) -> AdoptionPolicy:
    policy, _ = AdoptionPolicy.objects.get_or_create(organization=organization)
    policy.retention_days = retention_days
    policy.full_clean()
    policy.save(update_fields=["retention_days"])
    return policy


def transcripts_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete transcripts older than their organization's retention (by call date);
    detections and their evidence snippets are kept."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    custom = dict(AdoptionPolicy.objects.values_list("organization_id", "retention_days"))
    deleted = 0
    default_cut = today - dt.timedelta(days=selectors.DEFAULT_RETENTION_DAYS)
    kept = Call.objects.filter(transcript__isnull=False)
    deleted += (
        kept.exclude(organization_id__in=custom)
        .filter(date__lt=default_cut)
        .update(transcript=None, transcript_deleted_at=now)
    )
    for org_id, days in custom.items():
        deleted += kept.filter(
            organization_id=org_id, date__lt=today - dt.timedelta(days=days)
        ).update(transcript=None, transcript_deleted_at=now)
    return deleted


def read_upload(file: UploadedFile[bytes]) -> bytes:
    """The file's bytes, refusing one over the size limit before reading it all."""
    size = getattr(file, "size", None)
    if size is not None and size > parsers.MAX_BYTES:
        name = getattr(file, "name", "the file")
        raise ValidationError(
            {"file": f"{name}: the file is over {parsers.MAX_BYTES // 1024 // 1024} MB."}
        )
    return cast(bytes, file.read())  # the stubs type a file's read() as Any
