from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from sustain.certification import selectors, services
from sustain.certification.models import (
    Certification,
    CertificationPolicy,
    DiagnosisAnswer,
    RoleModelAssessment,
    TerminologyAttempt,
)
from sustain.coaching import services as coaching_services
from sustain.programs.models import GlossaryTerm
from tests.conftest import Api, Cast, Login

pytestmark = pytest.mark.django_db


def _row(cast: Cast, today: dt.date) -> dict[str, Any]:
    return selectors.certification_rows(program=cast.program, managers=[cast.manager], today=today)[
        0
    ]


def _pass_all_but_consistency(cast: Cast, glossary: list[GlossaryTerm], today: dt.date) -> None:
    services.terminology_submit(
        program=cast.program, manager=cast.manager, answers={t.pk: t.pk for t in glossary}
    )
    services.role_model_assess(
        program=cast.program,
        manager=cast.manager,
        assessor=cast.trainer,
        date=today,
        scores={cast.concept.pk: 4},
    )
    case = services.diagnosis_case_create(
        program=cast.program,
        title="Quiet Quinn",
        situation="Knows it, can do it, won't.",
        root_cause="will",
        prescription="Connect the technique to her own goals.",
    )
    services.diagnosis_answer(
        case=case, manager=cast.manager, root_cause="will", prescription="Find out what she wants."
    )


def _coach_weekly(cast: Cast, today: dt.date, weeks: int) -> None:
    for w in range(weeks):
        coaching_services.observation_create(
            observer=cast.manager,
            rep=cast.rep,
            date=today - dt.timedelta(weeks=w),
            channel="field",
            diagnosis="skill",
            scores=[{"concept": cast.concept.pk, "score": 3, "evidence": ""}],
        )


def test_it_builds_a_multiple_choice_quiz_from_the_glossary(
    cast: Cast, glossary: list[GlossaryTerm]
) -> None:
    questions = selectors.quiz_questions(program=cast.program)
    assert len(questions) == 5
    for q in questions:
        assert len(q.options) == 4
        assert (q.term.pk, q.term.definition) in q.options
    assert questions == selectors.quiz_questions(program=cast.program)


def test_it_grades_the_quiz(cast: Cast, glossary: list[GlossaryTerm]) -> None:
    answers = {t.pk: t.pk for t in glossary[:3]} | {glossary[3].pk: glossary[0].pk}
    attempt = services.terminology_submit(
        program=cast.program, manager=cast.manager, answers=answers
    )
    assert (attempt.correct, attempt.total, attempt.pct) == (3, 5, 60)


def test_it_rejects_an_option_not_on_the_quiz(cast: Cast, glossary: list[GlossaryTerm]) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.terminology_submit(
            program=cast.program, manager=cast.manager, answers={glossary[0].pk: 999999}
        )
    assert not TerminologyAttempt.objects.exists()


def test_it_starts_not_started_then_in_progress(
    cast: Cast, glossary: list[GlossaryTerm], today: dt.date
) -> None:
    assert _row(cast, today)["status"] == "not_started"
    first, second = glossary[0], glossary[1]
    services.terminology_submit(
        program=cast.program, manager=cast.manager, answers={first.pk: second.pk}
    )
    row = _row(cast, today)
    assert row["status"] == "in_progress"
    assert not row["components"]["terminology"]["passed"]
    assert "0/5" in row["components"]["terminology"]["evidence"]


def test_it_certifies_when_all_four_pass_and_lapses_when_coaching_stops(
    trained: Cast, glossary: list[GlossaryTerm], today: dt.date
) -> None:
    trained.program.enrollments.update(trained_on=today - dt.timedelta(days=60))
    _coach_weekly(trained, today, 8)
    _pass_all_but_consistency(trained, glossary, today)
    row = _row(trained, today)
    assert all(c["passed"] for c in row["components"].values()), row["components"]
    assert row["status"] == "certified" and row["certified_on"] == today
    # Seven weeks later with no observation since, the cadence has not been met.
    later = _row(trained, today + dt.timedelta(weeks=7))
    assert not later["components"]["consistency"]["passed"]
    assert later["status"] == "lapsed"


def test_it_does_not_certify_without_consistency(
    trained: Cast, glossary: list[GlossaryTerm], today: dt.date
) -> None:
    _pass_all_but_consistency(trained, glossary, today)
    assert not Certification.objects.exists()
    assert _row(trained, today)["status"] == "in_progress"


def test_it_uses_the_configured_n_of_m_weeks(trained: Cast, today: dt.date) -> None:
    _coach_weekly(trained, today, 2)
    policy = CertificationPolicy.objects.create(
        program=trained.program, consistency_weeks=3, consistency_window=4
    )
    row = _row(trained, today)
    # Met this week and last (observed), and three weeks ago (9 days after training, not
    # yet due); missed two weeks ago (16 days after training, never observed).
    assert "in 3 of the last 4 weeks" in row["components"]["consistency"]["evidence"]
    assert row["components"]["consistency"]["passed"]
    policy.consistency_weeks = 4
    policy.save(update_fields=["consistency_weeks"])
    assert not _row(trained, today)["components"]["consistency"]["passed"]


def test_it_grades_a_diagnosis_against_the_known_root_cause(cast: Cast) -> None:
    case = services.diagnosis_case_create(
        program=cast.program,
        title="Frank",
        situation="Misses steps since the CRM change.",
        root_cause="process",
        prescription="Fix the CRM stage.",
    )
    assert not services.diagnosis_answer(
        case=case, manager=cast.manager, root_cause="skill", prescription="Drill"
    ).correct
    services.diagnosis_retake(program=cast.program, manager=cast.manager)
    assert services.diagnosis_answer(
        case=case, manager=cast.manager, root_cause="process", prescription="Fix the stage"
    ).correct


def test_it_answers_the_certification_contract(
    cast: Cast, api: Api, glossary: list[GlossaryTerm]
) -> None:
    body = api(cast.owner).get(f"/managers/{cast.manager.pk}/certification").json()
    assert body["status"] == "not_started"
    assert set(body["components"]) == {"terminology", "role_model", "diagnosis", "consistency"}
    for component in body["components"].values():
        assert component["passed"] is False
        assert isinstance(component["evidence"], str) and component["evidence"]


def test_it_takes_the_quiz_from_the_page(
    cast: Cast, login: Login, glossary: list[GlossaryTerm]
) -> None:
    client = login(cast.manager)
    assert client.get(f"/certification/program/{cast.program.pk}/quiz/").status_code == 200
    r = client.post(
        f"/certification/program/{cast.program.pk}/quiz/",
        {f"term_{t.pk}": str(t.pk) for t in glossary},
    )
    assert r.status_code == 302
    assert TerminologyAttempt.objects.get().pct == 100


def test_it_lets_the_trainer_assess_a_role_play_from_the_page(
    cast: Cast, login: Login, today: dt.date
) -> None:
    r = login(cast.trainer).post(
        f"/certification/program/{cast.program.pk}/managers/{cast.manager.pk}/assess/",
        {"date": today.isoformat(), f"score_{cast.concept.pk}": "4", "notes": "Modelled well"},
    )
    assert r.status_code == 302
    assert RoleModelAssessment.objects.get().assessor == cast.trainer


def test_it_rejects_a_role_play_score_of_5(cast: Cast, api: Api, today: dt.date) -> None:
    r = api(cast.owner).post(
        f"/programs/{cast.program.pk}/managers/{cast.manager.pk}/role-model",
        {"date": today.isoformat(), "scores": [{"concept": cast.concept.pk, "score": 5}]},
    )
    assert r.status_code == 400
    assert not RoleModelAssessment.objects.exists()


def test_it_answers_a_case_from_the_page(cast: Cast, login: Login) -> None:
    case = services.diagnosis_case_create(
        program=cast.program, title="Frank", situation="x", root_cause="process", prescription="y"
    )
    client = login(cast.manager)
    assert client.get(f"/certification/program/{cast.program.pk}/cases/").status_code == 200
    client.post(
        f"/certification/cases/{case.pk}/answer/",
        {"root_cause": "process", "prescription": "Fix it"},
    )
    assert DiagnosisAnswer.objects.get().correct
    client.post(f"/certification/cases/{case.pk}/answer/", {"root_cause": "nonsense"})
    assert DiagnosisAnswer.objects.count() == 1


def test_it_shows_every_managers_status_on_the_program_page(cast: Cast, login: Login) -> None:
    page = login(cast.owner).get(f"/certification/program/{cast.program.pk}/").content.decode()
    assert "Mia Manager" in page and "Not started" in page


def test_it_shows_the_manager_her_status_at_home(cast: Cast, login: Login) -> None:
    page = login(cast.manager).get("/").content.decode()
    assert "Your certification" in page and "Not started" in page
    assert "Your certification" not in login(cast.owner).get("/").content.decode()


def test_it_reads_every_managers_status_in_fixed_queries(
    trained: Cast,
    glossary: list[GlossaryTerm],
    today: dt.date,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    _pass_all_but_consistency(trained, glossary, today)
    managers = [trained.manager, trained.other_manager]
    with django_assert_max_num_queries(12):
        rows = selectors.certification_rows(program=trained.program, managers=managers, today=today)
    assert [r["status"] for r in rows] == ["in_progress", "not_started"]


def test_it_offers_the_quiz_only_to_managers_enrolled_in_the_program(
    cast: Cast, login: Login
) -> None:
    page = login(cast.manager).get(f"/certification/program/{cast.program.pk}/").text
    assert "Take the glossary quiz" in page
    # Otto leads a team but is not enrolled: no link that would answer 404, a reason instead.
    page = login(cast.other_manager).get(f"/certification/program/{cast.program.pk}/").text
    assert "Take the glossary quiz" not in page
    assert "You are not enrolled in this program" in page
    assert (
        login(cast.other_manager).get(f"/certification/program/{cast.program.pk}/quiz/").status_code
        == 404
    )


def test_it_counts_each_managers_cadence_over_her_own_reps_only(
    trained: Cast, today: dt.date
) -> None:
    # Mia observes Rita this week and last; Otto never observes Oscar (both trained 30
    # days ago). Three weeks ago both reps were 9 days in, not yet due an observation.
    _coach_weekly(trained, today, 2)
    CertificationPolicy.objects.create(
        program=trained.program, consistency_weeks=3, consistency_window=4
    )
    rows = selectors.certification_rows(
        program=trained.program, managers=[trained.manager, trained.other_manager], today=today
    )
    evidence = [r["components"]["consistency"]["evidence"] for r in rows]
    assert "in 3 of the last 4 weeks" in evidence[0]
    assert "in 1 of the last 4 weeks" in evidence[1]
