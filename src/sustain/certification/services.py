"""Every write of the certification app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sustain.certification import selectors
from sustain.certification.models import (
    CadenceDay,
    Certification,
    CertificationPolicy,
    DiagnosisAnswer,
    DiagnosisAttempt,
    DiagnosisCase,
    ManagerCadence,
    RoleModelAssessment,
    RoleModelScore,
    TerminologyAttempt,
)
from sustain.coaching.models import CoachingPolicy, Score
from sustain.lib.services import model_create, model_update
from sustain.orgs.models import Person, Role, Team
from sustain.programs.models import Program
from sustain.programs.selectors import program_settings
from sustain.refreshers.choice import is_correct


def _check_manager(program: Program, manager: Person) -> None:
    if manager.role != Role.MANAGER or manager.organization_id != program.organization_id:
        raise ValidationError({"manager": "Only the program's managers are certified."})


@transaction.atomic
def certification_policy_set(*, program: Program, data: Mapping[str, Any]) -> CertificationPolicy:
    policy, _ = CertificationPolicy.objects.get_or_create(program=program)
    return model_update(
        instance=policy,
        data=data,
        fields=[
            "terminology_pass_pct",
            "role_model_pass",
            "diagnosis_pass_pct",
            "consistency_weeks",
            "consistency_window",
            "consistency_min_coverage",
        ],
    )


@transaction.atomic
def terminology_submit(
    *, program: Program, manager: Person, answers: Mapping[int, int]
) -> TerminologyAttempt:
    """Grade a glossary quiz: `answers` maps each term's id to the id of the term whose
    definition she chose. Unanswered questions count as wrong."""
    _check_manager(program, manager)
    questions = selectors.quiz_questions(program=program)
    if not questions:
        raise ValidationError({"answers": "This program has no glossary to be quizzed on."})
    if not answers:
        raise ValidationError({"answers": "Answer the questions before submitting the quiz."})
    by_term = {q.term.pk: q for q in questions}
    for term_id, chosen in answers.items():
        if term_id not in by_term or chosen not in by_term[term_id].choices:
            raise ValidationError({"answers": f"Unknown question or option: {term_id}."})
    correct = sum(
        1
        for term_id, q in by_term.items()
        if term_id in answers and is_correct(q, answers[term_id])
    )
    attempt = model_create(
        TerminologyAttempt,
        program=program,
        manager=manager,
        answers={str(k): v for k, v in answers.items()},
        correct=correct,
        total=len(questions),
    )
    certification_refresh(program=program, manager=manager)
    return attempt


@transaction.atomic
def role_model_assess(
    *,
    program: Program,
    manager: Person,
    assessor: Person,
    date: dt.date,
    scores: Mapping[int, int | None],
    notes: str = "",
) -> RoleModelAssessment:
    """`scores` maps every concept of the program to a rubric score 1-4, or to None when
    the role-play did not show it; at least one concept must be scored."""
    _check_manager(program, manager)
    concepts = {c.pk: c for c in program.concepts.all()}
    if set(scores) != set(concepts):
        raise ValidationError(
            {"scores": "Score every concept of the program once (or mark it not observed)."}
        )
    for concept_id, score in scores.items():
        if score is not None and score not in Score.values:
            raise ValidationError(
                {
                    "scores": f"Score for “{concepts[concept_id].name}” must be 1 to 4, "
                    f"or not observed; not {score}."
                }
            )
    if all(score is None for score in scores.values()):
        raise ValidationError({"scores": "Score at least one concept the role-play showed."})
    assessment = model_create(
        RoleModelAssessment,
        program=program,
        manager=manager,
        assessor=assessor,
        date=date,
        notes=notes.strip(),
    )
    RoleModelScore.objects.bulk_create(
        RoleModelScore(assessment=assessment, concept_id=c, score=s) for c, s in scores.items()
    )
    certification_refresh(program=program, manager=manager)
    return assessment


@transaction.atomic
def diagnosis_case_create(
    *, program: Program, title: str, situation: str, root_cause: str, prescription: str
) -> DiagnosisCase:
    return model_create(
        DiagnosisCase,
        program=program,
        title=title,
        situation=situation,
        root_cause=root_cause,
        prescription=prescription,
    )


def diagnosis_attempt_current(*, program: Program, manager: Person) -> DiagnosisAttempt | None:
    return (
        DiagnosisAttempt.objects.filter(program=program, manager=manager)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def diagnosis_retake(*, program: Program, manager: Person) -> DiagnosisAttempt:
    """Start a new attempt; the previous one must be complete, and keeps its history."""
    _check_manager(program, manager)
    current = diagnosis_attempt_current(program=program, manager=manager)
    if current is not None and not current.completed:
        raise ValidationError(
            {"attempt": "Answer every case of your current attempt before retaking."}
        )
    return model_create(
        DiagnosisAttempt,
        program=program,
        manager=manager,
        number=current.number + 1 if current else 1,
    )


@transaction.atomic
def diagnosis_answer(
    *, case: DiagnosisCase, manager: Person, root_cause: str, prescription: str
) -> DiagnosisAnswer:
    """Graded on the root cause; her prescription is kept beside the model answer. A case
    is answered once per attempt; the attempt completes with its last case, and only then
    are results and model answers shown."""
    program = case.program
    _check_manager(program, manager)
    # Lock her attempts so two answers racing cannot both land in one attempt.
    list(DiagnosisAttempt.objects.select_for_update().filter(program=program, manager=manager))
    attempt = diagnosis_attempt_current(program=program, manager=manager)
    if attempt is None:
        attempt = model_create(DiagnosisAttempt, program=program, manager=manager, number=1)
    elif attempt.completed:
        raise ValidationError(
            {"root_cause": "This attempt is complete: start a retake to answer again."}
        )
    if attempt.answers.filter(case=case).exists():
        raise ValidationError({"root_cause": "You already answered this case: an answer is final."})
    answer = model_create(
        DiagnosisAnswer,
        attempt=attempt,
        case=case,
        manager=manager,
        root_cause=root_cause,
        prescription=prescription.strip(),
        correct=root_cause == case.root_cause,
    )
    answered = set(attempt.answers.values_list("case_id", flat=True))
    if answered >= set(program.diagnosis_cases.values_list("pk", flat=True)):
        attempt.completed_at = timezone.now()
        attempt.save(update_fields=["completed_at"])
    certification_refresh(program=program, manager=manager)
    return answer


@transaction.atomic
def certification_refresh(
    *, program: Program, manager: Person, today: dt.date | None = None
) -> Certification | None:
    """Certify her the first time all four components pass. Once certified the date
    stays; a later drop in consistency shows as `lapsed`, computed when read."""
    existing = Certification.objects.filter(program=program, manager=manager).first()
    if existing:
        return existing
    today = today or timezone.localdate()
    row = selectors.certification_rows(program=program, managers=[manager], today=today)[0]
    if not row["all_passed"]:
        return None
    return model_create(Certification, program=program, manager=manager, certified_on=today)


def certifications_refresh_all(*, today: dt.date) -> int:
    from sustain.programs.models import ProgramStatus

    created = 0
    for program in Program.objects.exclude(status=ProgramStatus.CLOSED):
        done = set(
            Certification.objects.filter(program=program).values_list("manager_id", flat=True)
        )
        managers = selectors.program_managers(program).filter(is_active=True).exclude(pk__in=done)
        for row in selectors.certification_rows(program=program, managers=managers, today=today):
            if row["all_passed"]:
                model_create(
                    Certification, program=program, manager=row["manager"], certified_on=today
                )
                created += 1
    return created


def _window_days(program: Program, today: dt.date) -> list[dt.date]:
    """The days consistency reads on `today` or a later day while they stay in its
    window: today back to the last day of the window's oldest week."""
    weeks = program_settings(program, CertificationPolicy).consistency_window
    return [today - dt.timedelta(days=n) for n in range(7 * (weeks - 1) + 1)]


@transaction.atomic
def cadence_days_refresh(*, program: Program, days: list[dt.date], managers: Any = None) -> int:
    """Count and store the cadence of `days` per manager (of `managers`, every manager
    when None), replacing what was stored for them; returns the rows written. Six
    queries, however many days."""
    figures = selectors.cadence_counts(program, managers, days)
    stored = {d.day: d for d in CadenceDay.objects.filter(program=program, day__in=days)}
    stale = ManagerCadence.objects.filter(cadence_day__in=list(stored.values()))
    if managers is not None:
        stale = stale.filter(manager__in=managers)
    stale.delete()
    CadenceDay.objects.filter(pk__in=[d.pk for d in stored.values()]).update(
        computed_at=timezone.now()
    )
    for added in CadenceDay.objects.bulk_create(
        CadenceDay(program=program, day=day) for day in days if day not in stored
    ):
        stored[added.day] = added
    rows = ManagerCadence.objects.bulk_create(
        ManagerCadence(cadence_day=stored[day], manager_id=m, due=due, on_time=on_time)
        for m, by_day in figures.items()
        for day, (due, on_time) in by_day.items()
    )
    return len(rows)


def cadence_days_refresh_all(*, today: dt.date) -> int:
    """The daily sweep: every open program's days in the consistency window, today
    included, counted again (a day's figures also move when a rep changes team or a
    training date is corrected, which no observation recounts), and the days that left
    the window dropped."""
    from sustain.programs.models import ProgramStatus

    written = 0
    for program in Program.objects.exclude(status=ProgramStatus.CLOSED):
        days = _window_days(program, today)
        CadenceDay.objects.filter(program=program).exclude(day__in=days).delete()
        for start in range(0, len(days), 7):  # a week of days per query
            written += cadence_days_refresh(program=program, days=days[start : start + 7])
    return written


def cadence_today_request(*, program: Program, today: dt.date) -> bool:
    """Ask for today's cadence to be stored when it is not yet (the daily sweep stores it
    on its own schedule, which may be hours after midnight): until then the status tiles
    count every manager live, slow in a large program. True when a job was queued."""
    if CadenceDay.objects.filter(program=program, day=today).exists():
        return False
    from sustain.certification.tasks import store_cadence_day

    transaction.on_commit(lambda: store_cadence_day.enqueue(program.pk, today.isoformat()))
    return True


def cadence_day_store(*, program: Program, day: dt.date) -> int:
    """Store `day` unless it is stored already (several page views may have asked for it);
    the rows written."""
    if CadenceDay.objects.filter(program=program, day=day).exists():
        return 0
    try:
        return cadence_days_refresh(program=program, days=[day])
    except IntegrityError:  # another job stored it meanwhile
        return 0


def cadence_observed(*, program: Program, rep: Person, date: dt.date) -> None:
    """An observation of `rep` dated `date` changes her cadence on the days from `date`
    to `date` plus the policy's longest interval: the stored ones among them (today's,
    and past days when it is back-dated) are counted again for her manager. One query
    when no stored day is reached."""
    stored = list(
        CadenceDay.objects.filter(program=program, day__gte=date).values_list("day", flat=True)
    )
    if not stored or rep.team_id is None:
        return
    coaching = program_settings(program, CoachingPolicy)
    reach = max(coaching.interval_days(0), coaching.interval_days(coaching.intensive_days))
    days = [d for d in stored if d <= date + dt.timedelta(days=reach)]
    manager_id = Team.objects.filter(pk=rep.team_id).values_list("manager_id", flat=True).first()
    if days and manager_id is not None:
        cadence_days_refresh(program=program, days=days, managers=[manager_id])


def cadence_forget(*, program: Program) -> None:
    """Drop the program's stored cadence (its coaching policy changed): counted live until
    the next sweep stores it again."""
    CadenceDay.objects.filter(program=program).delete()
