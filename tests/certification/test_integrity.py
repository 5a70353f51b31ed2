"""Certification that certifies: a case is answered once per attempt, results and model
answers appear only after the attempt's last answer, a retake is a new attempt with its
own history, and an empty glossary quiz is refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sustain.certification import selectors, services
from sustain.certification.models import (
    DiagnosisAnswer,
    DiagnosisAttempt,
    DiagnosisCase,
    TerminologyAttempt,
)
from sustain.programs.models import GlossaryTerm
from tests.conftest import Api, ApiClient, Cast, Login, Response

CASES = [("Quinn", "will"), ("Nate", "knowledge"), ("Frank", "process"), ("Sam", "skill")]


@pytest.fixture
def cases(cast: Cast) -> list[DiagnosisCase]:
    return [
        services.diagnosis_case_create(
            program=cast.program,
            title=title,
            situation=f"{title}'s situation",
            root_cause=cause,
            prescription=f"Model prescription for {title}",
        )
        for title, cause in CASES
    ]


def _answer(client: ApiClient, case: DiagnosisCase, cause: str) -> Response:
    return client.post(
        f"/diagnosis-cases/{case.pk}/answers", {"root_cause": cause, "prescription": "p"}
    )


def test_the_attack_two_of_four_then_peek_then_four_of_four_is_refused(
    cast: Cast, api: Api, cases: list[DiagnosisCase]
) -> None:
    client = api(cast.manager)
    for case, (_, cause) in zip(cases, CASES, strict=True):
        wrong = "skill" if cause != "skill" else "will"
        r = _answer(client, case, cause if case in cases[:2] else wrong)
        assert r.status_code == 201
    # The attempt is complete: the model answers are shown, and a new answer is refused.
    again = _answer(client, cases[2], "process")
    assert again.status_code == 400
    assert DiagnosisAnswer.objects.count() == 4
    body = client.get(f"/managers/{cast.manager.pk}/certification").json()
    assert not body["components"]["diagnosis"]["passed"]
    assert "2 of 4" in body["components"]["diagnosis"]["evidence"]


def test_a_case_is_answered_once_and_hides_results_until_the_last_answer(
    cast: Cast, api: Api, cases: list[DiagnosisCase]
) -> None:
    client = api(cast.manager)
    first = _answer(client, cases[0], "will").json()
    assert (first["correct"], first["model_root_cause"], first["model_prescription"]) == (
        None,
        None,
        None,
    )
    assert _answer(client, cases[0], "skill").status_code == 400
    [attempt] = client.get(f"/programs/{cast.program.pk}/diagnosis-attempts").json()["items"]
    assert attempt["completed_at"] is None and attempt["correct"] is None
    assert "Model prescription" not in str(attempt)
    for case, (_, cause) in zip(cases[1:], CASES[1:], strict=True):
        last = _answer(client, case, cause).json()
    assert last["correct"] is True and last["model_root_cause"] == "skill"
    [attempt] = client.get(f"/programs/{cast.program.pk}/diagnosis-attempts").json()["items"]
    assert attempt["correct"] == 4 and "Model prescription for Quinn" in str(attempt)


def test_the_page_shows_model_answers_only_after_the_last_case(
    cast: Cast, login: Login, cases: list[DiagnosisCase]
) -> None:
    client = login(cast.manager)
    url = f"/certification/program/{cast.program.pk}/cases/"
    client.post(
        f"/certification/cases/{cases[0].pk}/answer/", {"root_cause": "will", "prescription": "p"}
    )
    page = client.get(url).content.decode()
    assert "Model prescription for Quinn" not in page and "data-model-answer" not in page
    client.post(
        f"/certification/cases/{cases[0].pk}/answer/", {"root_cause": "skill", "prescription": "p"}
    )
    assert DiagnosisAnswer.objects.count() == 1
    for case, (_, cause) in zip(cases[1:], CASES[1:], strict=True):
        client.post(
            f"/certification/cases/{case.pk}/answer/", {"root_cause": cause, "prescription": "p"}
        )
    page = client.get(url).content.decode()
    assert "Model prescription for Quinn" in page and 'id="retake"' in page


def test_a_retake_is_a_new_attempt_with_its_own_history(
    cast: Cast, api: Api, login: Login, cases: list[DiagnosisCase]
) -> None:
    client = api(cast.manager)
    assert client.post(f"/programs/{cast.program.pk}/diagnosis-attempts").status_code == 201
    # The open attempt must be finished before another retake.
    assert client.post(f"/programs/{cast.program.pk}/diagnosis-attempts").status_code == 400
    for case in cases:
        _answer(client, case, "will")
    login(cast.manager).post(f"/certification/program/{cast.program.pk}/cases/retake/")
    for case, (_, cause) in zip(cases, CASES, strict=True):
        _answer(client, case, cause)
    attempts = client.get(f"/programs/{cast.program.pk}/diagnosis-attempts").json()["items"]
    assert [(a["number"], a["correct"]) for a in attempts] == [(2, 4), (1, 1)]
    assert DiagnosisAttempt.objects.count() == 2 and DiagnosisAnswer.objects.count() == 8
    row = selectors.certification_rows(
        program=cast.program, managers=[cast.manager], today=timezone.localdate()
    )[0]
    assert row["components"]["diagnosis"]["passed"]
    page = login(cast.manager).get(f"/certification/program/{cast.program.pk}/cases/").content
    assert b'id="history"' in page and b"Attempt 1" in page


def test_an_empty_glossary_quiz_is_refused(
    cast: Cast, api: Api, login: Login, glossary: list[GlossaryTerm]
) -> None:
    r = api(cast.manager).post(f"/programs/{cast.program.pk}/terminology-quiz", {"answers": []})
    assert r.status_code == 400
    page = login(cast.manager).post(f"/certification/program/{cast.program.pk}/quiz/", {})
    assert page.status_code == 200
    assert not TerminologyAttempt.objects.exists()
