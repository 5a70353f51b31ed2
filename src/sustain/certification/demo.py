"""Demo certification: one manager at each state. Dana Whitfield is certified; North 2's
manager was certified, then stopped coaching (lapsed); Central 1 and Central 2 are in
progress; the rest have not started."""

from __future__ import annotations

import datetime as dt

from sustain.certification import selectors
from sustain.certification.models import (
    Certification,
    DiagnosisAnswer,
    DiagnosisAttempt,
    DiagnosisCase,
    RoleModelAssessment,
    RoleModelScore,
    TerminologyAttempt,
)
from sustain.demo.context import DemoContext
from sustain.orgs.models import Person

CASES = [
    (
        "Quiet Quinn",
        "Quinn scores proficient in role-plays but skips discovery on live calls "
        "since her quota was raised mid-quarter.",
        "will",
        "Talk about what she wants from the quarter; tie discovery to her own numbers.",
    ),
    (
        "New-hire Nate",
        "Nate cannot explain what an impact question is and improvises.",
        "knowledge",
        "Review the concept card with him, then observe one call this week.",
    ),
    (
        "Frank the form-filler",
        "Frank's next steps vanish since the CRM change hid the field.",
        "process",
        "Fix the CRM stage layout; it is not a training problem.",
    ),
    (
        "Steady Sam",
        "Sam knows the technique and wants to use it, but his value statements "
        "come out as feature lists.",
        "skill",
        "Role-play value statements twice a week for a month; record one.",
    ),
]


def build(ctx: DemoContext) -> None:
    program, today, rng = ctx.program, ctx.today, ctx.rng
    cases = DiagnosisCase.objects.bulk_create(
        DiagnosisCase(program=program, title=t, situation=s, root_cause=r, prescription=p)
        for t, s, r, p in CASES
    )
    questions = selectors.quiz_questions(program=program)
    concepts = list(program.concepts.all())
    trainer, owner = ctx.logins["trainer"], ctx.logins["owner"]
    cohort1 = today - dt.timedelta(weeks=24)

    def quiz(manager_index: int, right: int, when: dt.date) -> None:
        answers = {
            q.term.pk: q.answer if i < right else next(pk for pk in q.choices if pk != q.answer)
            for i, q in enumerate(questions)
        }
        TerminologyAttempt.objects.create(
            program=program,
            manager=ctx.managers[manager_index],
            answers=answers,
            correct=right,
            total=len(questions),
            taken_at=dt.datetime.combine(when, dt.time(10), tzinfo=dt.UTC),
        )

    def role_play(
        manager_index: int, level: int, when: dt.date, assessor: Person = trainer, unseen: int = 0
    ) -> None:
        assessment = RoleModelAssessment.objects.create(
            program=program,
            manager=ctx.managers[manager_index],
            assessor=assessor,
            date=when,
            notes="Modelled the concepts in a live role-play with the team.",
        )
        draws = [max(1, min(4, level + rng.choice([-1, 0, 0, 1]))) for _ in concepts]
        RoleModelScore.objects.bulk_create(
            # The last `unseen` concepts did not come up: not observed, no score.
            RoleModelScore(
                assessment=assessment, concept=c, score=None if i >= len(concepts) - unseen else d
            )
            for i, (c, d) in enumerate(zip(concepts, draws, strict=True))
        )

    def diagnose(manager_index: int, right: int) -> None:
        attempt = DiagnosisAttempt.objects.create(
            program=program,
            manager=ctx.managers[manager_index],
            number=1,
            started_at=dt.datetime.combine(cohort1, dt.time(9), tzinfo=dt.UTC),
            completed_at=dt.datetime.combine(cohort1, dt.time(10), tzinfo=dt.UTC),
        )
        for i, case in enumerate(cases):
            cause = (
                case.root_cause if i < right else "skill" if case.root_cause != "skill" else "will"
            )
            DiagnosisAnswer.objects.create(
                attempt=attempt,
                case=case,
                manager=ctx.managers[manager_index],
                root_cause=cause,
                prescription=case.prescription,
                correct=cause == case.root_cause,
            )

    # 0 Dana (steady coach): certified. 1 (stopped after week 4): certified then lapsed.
    for index in (0, 1):
        quiz(index, len(questions), cohort1 + dt.timedelta(weeks=1))
        role_play(index, 4, cohort1 + dt.timedelta(weeks=2))
        diagnose(index, len(cases))
        Certification.objects.create(
            program=program,
            manager=ctx.managers[index],
            certified_on=cohort1 + dt.timedelta(weeks=10 if index == 0 else 4),
        )
    # 3 and 4: in progress (consistency building, one component missing each).
    quiz(3, len(questions) - 1, cohort1 + dt.timedelta(weeks=3))
    role_play(3, 3, cohort1 + dt.timedelta(weeks=5), assessor=owner, unseen=1)
    quiz(4, len(questions) // 2, today - dt.timedelta(weeks=8))
    diagnose(4, 2)
