"""Certification reads: the glossary quiz, and each manager's four components and status.
Statuses for a whole program cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThanOrEqual

from sustain.certification.models import (
    CadenceDay,
    Certification,
    CertificationPolicy,
    DiagnosisAttempt,
    DiagnosisCase,
    ManagerCadence,
    RoleModelAssessment,
    TerminologyAttempt,
)
from sustain.coaching import cadence
from sustain.coaching.models import CoachingPolicy
from sustain.orgs.models import Person, Role
from sustain.programs.models import Enrollment, GlossaryTerm, Program, ProgramStatus
from sustain.programs.selectors import program_settings
from sustain.refreshers.choice import GlossaryQuestion, glossary_questions

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
CERTIFIED = "certified"
LAPSED = "lapsed"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    CERTIFIED: "Certified",
    LAPSED: "Lapsed",
}
COMPONENTS = ["terminology", "role_model", "diagnosis", "consistency"]


def quiz_questions(*, program: Program) -> list[GlossaryQuestion]:
    """The terminology quiz: one multiple-choice question per glossary term."""
    return glossary_questions(
        list(
            GlossaryTerm.objects.filter(concept__program=program).order_by(
                "concept__position", "term"
            )
        )
    )


Figures = dict[int, dict[dt.date, tuple[int, int]]]


def cadence_counts(program: Program, managers: Any, days: list[dt.date]) -> Figures:
    """Counted live: for each manager with reps due on any of `days` (of `managers`,
    people or a queryset of them; every manager when None), her reps due in the program
    and on time (`coaching.cadence.on_time`) on each day: {manager: {day: (due, on_time)}}.
    One grouped query over her reps' enrollments; empty for a closed program."""
    out: Figures = defaultdict(dict)
    if program.status == ProgramStatus.CLOSED or not days:
        return out
    coaching = program_settings(program, CoachingPolicy)
    # From the managers' teams to their reps' enrollments (the indexed way in): a
    # manager's home page must not walk the program's 100,000 enrollments for her 12 reps.
    reps = Person.objects.filter(role=Role.REP, team__manager__isnull=False)
    if managers is not None:
        reps = reps.filter(team__manager__in=managers)
    trained = Enrollment.objects.filter(program=program, trained_on__isnull=False, person__in=reps)
    counts: dict[str, Count] = {}
    for i, day in enumerate(days):
        counts[f"due{i}"] = Count("pk", filter=Q(trained_on__lte=day))
        counts[f"on_time{i}"] = Count("pk", filter=cadence.on_time([coaching], day))
    rows = (
        trained.values("person__team__manager")
        .annotate(**counts)
        .values_list("person__team__manager", *counts)
        .order_by()
    )
    for manager_id, *figures in rows:
        for i, day in enumerate(days):
            if figures[2 * i]:
                out[manager_id][day] = (figures[2 * i], figures[2 * i + 1])
    return out


def _weeks_met(
    program: Program,
    managers: Any,
    policy: CertificationPolicy,
    today: dt.date,
    *,
    live_today: bool = True,
) -> tuple[dict[int, int], set[int]]:
    """For each of `managers` (people or a queryset of them): in how many of the last
    `consistency_window` weeks (each judged on its last day: `today`, a week before, ...)
    her due reps' coverage reached the policy's share, and whether any week had due reps
    at all. Days stored (`CadenceDay`) are read, counted in SQL; the others, and today
    when `live_today`, are counted live in one grouped query (`cadence_counts`). With a
    queryset the answer may hold other managers too: look them up by id.

    Today's stored figures miss only what changed since the sweep other than
    observations (a rep trained or moved today): fine for counting every manager, not
    for the few rows a page shows, which count today live."""
    met: dict[int, int] = defaultdict(int)
    measured: set[int] = set()
    if program.status == ProgramStatus.CLOSED:
        return met, measured
    threshold = policy.consistency_min_coverage / 100
    days = [today - dt.timedelta(weeks=w) for w in range(policy.consistency_window)]
    stored = dict(
        CadenceDay.objects.filter(
            program=program, day__in=[d for d in days if d < today or not live_today]
        ).values_list("pk", "day")
    )
    if stored:
        # As coaching.selectors.summarize rounds the coverage to 4 places.
        reached = Q(GreaterThanOrEqual(Cast("on_time", FloatField()) / F("due"), threshold - 5e-5))
        rows = ManagerCadence.objects.filter(cadence_day__in=list(stored))
        # A queryset is every manager a viewer sees, most of the program's: reading the
        # days' rows whole is cheaper than testing each against it (extra ids are unused).
        if not isinstance(managers, QuerySet):
            rows = rows.filter(manager__in=managers)
        for manager_id, n in (
            rows.values("manager_id")
            .annotate(n=Count("pk", filter=reached))
            .values_list("manager_id", "n")
            .order_by()
        ):
            measured.add(manager_id)
            met[manager_id] += n
    live = [d for d in days if d not in stored.values()]
    for manager_id, by_day in cadence_counts(program, managers, live).items():
        for due, on_time in by_day.values():
            measured.add(manager_id)
            if round(on_time / due, 4) >= threshold:
                met[manager_id] += 1
    return met, measured


def _consistency(
    program: Program, managers: list[Person], policy: CertificationPolicy, today: dt.date
) -> dict[int, dict[str, Any]]:
    met, measured = _weeks_met(program, managers, policy, today)
    weeks = policy.consistency_window
    return {
        m.pk: {
            "passed": met[m.pk] >= policy.consistency_weeks,
            "evidence": "None of her reps has been trained yet: no cadence to meet."
            if m.pk not in measured
            else f"Cadence met in {met[m.pk]} of the last {weeks} weeks "
            f"(needs {policy.consistency_weeks}; a week counts at "
            f"{policy.consistency_min_coverage}% of her due reps on time).",
            "weeks_met": met[m.pk],
            "started": False,
        }
        for m in managers
    }


def status_counts(
    *, program: Program, managers: QuerySet[Person], today: dt.date
) -> dict[str, int]:
    """How many of `managers` are in each status (by label), as `certification_rows`
    decides it, without building their rows: in progress is having started any
    component (passing one implies starting it) or meeting the cadence."""
    policy = program_settings(program, CertificationPolicy)
    ids = managers.values("pk")
    met, _measured = _weeks_met(program, ids, policy, today, live_today=False)
    consistent = {m for m, n in met.items() if n >= policy.consistency_weeks}
    started: set[int] = set()
    for model in (TerminologyAttempt, RoleModelAssessment, DiagnosisAttempt):
        started.update(
            model.objects.filter(program=program, manager_id__in=ids).values_list(
                "manager_id", flat=True
            )
        )
    certified = set(
        Certification.objects.filter(
            program=program, manager_id__in=ids, certified_on__isnull=False
        ).values_list("manager_id", flat=True)
    )
    counts = dict.fromkeys(STATUS_LABELS.values(), 0)
    for manager_id in managers.values_list("pk", flat=True):
        if manager_id in certified:
            status = CERTIFIED if manager_id in consistent else LAPSED
        elif manager_id in started or manager_id in consistent:
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        counts[STATUS_LABELS[status]] += 1
    return counts


def certification_rows(
    *, program: Program, managers: Iterable[Person], today: dt.date
) -> list[dict[str, Any]]:
    managers = list(managers)
    ids = [m.pk for m in managers]
    policy = program_settings(program, CertificationPolicy)

    attempts: dict[int, TerminologyAttempt] = {}
    for taken in TerminologyAttempt.objects.filter(program=program, manager_id__in=ids).order_by(
        "taken_at", "id"
    ):
        best = attempts.get(taken.manager_id)
        if best is None or taken.pct >= best.pct:
            attempts[taken.manager_id] = taken
    assessments: dict[int, RoleModelAssessment] = {}
    for assessment in (
        RoleModelAssessment.objects.filter(program=program, manager_id__in=ids)
        .order_by("date", "id")
        .select_related("assessor")
        .prefetch_related("scores")
    ):
        assessments[assessment.manager_id] = assessment
    n_cases = DiagnosisCase.objects.filter(program=program).count()
    # The diagnosis component is graded on her latest complete attempt; an attempt still
    # open shows as started but counts for nothing until its last case is answered.
    graded: dict[int, DiagnosisAttempt] = {}
    started: set[int] = set()
    for attempt in DiagnosisAttempt.objects.filter(program=program, manager_id__in=ids).annotate(
        n=Count("answers"), right=Count("answers", filter=Q(answers__correct=True))
    ):
        started.add(attempt.manager_id)
        if attempt.completed and (
            attempt.manager_id not in graded or attempt.number > graded[attempt.manager_id].number
        ):
            graded[attempt.manager_id] = attempt
    certified = dict(
        Certification.objects.filter(program=program, manager_id__in=ids).values_list(
            "manager_id", "certified_on"
        )
    )
    consistency = _consistency(program, managers, policy, today)

    rows = []
    for m in managers:
        a = attempts.get(m.pk)
        terminology = {
            "passed": bool(a and a.total and a.pct >= policy.terminology_pass_pct),
            "evidence": (
                f"Best quiz: {a.correct}/{a.total} ({a.pct}%) on {a.taken_at:%Y-%m-%d}; "
                f"pass mark {policy.terminology_pass_pct}%."
                if a
                else "Glossary quiz not taken yet."
            ),
            "started": a is not None,
        }
        r = assessments.get(m.pk)
        scored = list(r.scores.all()) if r else []
        scores = [s.score for s in scored if s.score is not None]
        unseen = len(scored) - len(scores)
        avg = Decimal(sum(scores)) / len(scores) if scores else None
        role_model = {
            # A role model shows every concept: one not observed is assessed again, not
            # averaged in as a low score nor left out of the bar.
            "passed": avg is not None and avg >= policy.role_model_pass and not unseen,
            "evidence": (
                f"Role-play scored {avg:.2f} on average by {r.assessor.name} on "
                f"{r.date}; pass mark {policy.role_model_pass}."
                + (
                    f" {unseen} of {len(scored)} concepts not observed: assess them again."
                    if unseen
                    else ""
                )
                if r and avg is not None
                else "Role-play not assessed yet."
            ),
            "started": r is not None,
        }
        g = graded.get(m.pk)
        # `right` and `n` are annotated on the attempts by the query above.
        pct = round(100 * g.right / g.n) if g and g.n else 0  # type: ignore[attr-defined]
        diagnosis = {
            "passed": bool(n_cases and g) and pct >= policy.diagnosis_pass_pct,
            "evidence": (
                "No diagnosis cases written for this program yet."
                if not n_cases
                else f"Attempt {g.number}: {g.right} of {g.n} cases diagnosed correctly "  # type: ignore[attr-defined]  # annotated above
                f"({pct}%); pass mark {policy.diagnosis_pass_pct}%."
                if g
                else f"Diagnosis cases not completed yet ({n_cases} to answer); pass mark "
                f"{policy.diagnosis_pass_pct}%."
            ),
            "started": m.pk in started,
        }
        components = {
            "terminology": terminology,
            "role_model": role_model,
            "diagnosis": diagnosis,
            "consistency": consistency[m.pk],
        }
        certified_on = certified.get(m.pk)
        if certified_on:
            status = CERTIFIED if consistency[m.pk]["passed"] else LAPSED
        elif any(c["started"] or c["passed"] for c in components.values()):
            status = IN_PROGRESS
        else:
            status = NOT_STARTED
        rows.append(
            {
                "manager": m,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "certified_on": certified_on,
                "components": components,
                "all_passed": all(c["passed"] for c in components.values()),
            }
        )
    return rows


def diagnosis_attempts(*, program: Program, manager: Person) -> list[dict[str, Any]]:
    """Her attempts, newest first, each with its answers by case id. Results and model
    answers are only for complete attempts (`shown`)."""
    attempts = list(
        DiagnosisAttempt.objects.filter(program=program, manager=manager)
        .prefetch_related("answers__case")
        .order_by("-number")
    )
    return [
        {
            "attempt": a,
            "shown": a.completed,
            "answers": {x.case_id: x for x in a.answers.all()},
            "right": sum(x.correct for x in a.answers.all()),
        }
        for a in attempts
    ]


def program_managers(program: Program) -> Any:
    return (
        Person.objects.filter(role=Role.MANAGER, enrollments__program=program)
        .select_related("team")
        .order_by("name")
    )
