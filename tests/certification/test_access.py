"""The certification rows of the access matrix."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.certification.models import DiagnosisCase, RoleModelAssessment, TerminologyAttempt
from sustain.programs.models import GlossaryTerm
from tests.conftest import Api, Cast, Login
from tests.helpers import matrix_cases

pytestmark = pytest.mark.django_db


READ = {
    #                  exe  own  ana  adm  man  oman rep  orep trn  out
    "manager_api": [200, 200, 200, 200, 200, 404, 404, 404, 200, 404],
    "program_api": [200, 200, 200, 200, 200, 200, 200, 200, 200, 404],
    "program_page": [200, 200, 200, 200, 200, 200, 403, 403, 200, 404],
    "quiz_page": [404, 404, 404, 404, 200, 404, 404, 404, 404, 404],
    "cases_page": [404, 404, 404, 404, 200, 404, 404, 404, 404, 404],
    "assess_page": [200, 200, 403, 200, 403, 404, 404, 404, 200, 404],
}


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(READ))
def test_it_applies_certification_read_rules(
    cast: Cast,
    api: Api,
    login: Login,
    glossary: list[GlossaryTerm],
    kind: str,
    role: str,
    expected: int,
) -> None:
    viewer = cast.by_role(role)
    p, m = cast.program.pk, cast.manager.pk
    how, path = {
        "manager_api": ("api", f"/managers/{m}/certification"),
        "program_api": ("api", f"/programs/{p}/certifications"),
        "program_page": ("page", f"/certification/program/{p}/"),
        "quiz_page": ("page", f"/certification/program/{p}/quiz/"),
        "cases_page": ("page", f"/certification/program/{p}/cases/"),
        "assess_page": ("page", f"/certification/program/{p}/managers/{m}/assess/"),
    }[kind]
    r = api(viewer).get(path) if how == "api" else login(viewer).get(path)
    assert r.status_code == expected


WRITE = {
    #                  exe  own  ana  adm  man  oman rep  orep trn  out
    "role_model": [201, 201, 403, 201, 403, 404, 404, 404, 201, 404],
    "quiz": [404, 404, 404, 404, 201, 404, 404, 404, 404, 404],
    "case": [201, 201, 403, 201, 403, 403, 403, 403, 403, 404],
}


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(WRITE))
def test_it_applies_certification_write_rules(
    cast: Cast, api: Api, glossary: list[GlossaryTerm], kind: str, role: str, expected: int
) -> None:
    client = api(cast.by_role(role))
    p, m = cast.program.pk, cast.manager.pk
    if kind == "role_model":
        r = client.post(
            f"/programs/{p}/managers/{m}/role-model",
            {
                "date": dt.date.today().isoformat(),
                "scores": [{"concept": cast.concept.pk, "score": 3}],
            },
        )
        written = RoleModelAssessment.objects.exists()
    elif kind == "quiz":
        r = client.post(
            f"/programs/{p}/terminology-quiz",
            {"answers": [{"term": glossary[0].pk, "choice": glossary[0].pk}]},
        )
        written = TerminologyAttempt.objects.exists()
    else:
        r = client.post(
            f"/programs/{p}/diagnosis-cases",
            {"title": "Quinn", "situation": "Won't", "root_cause": "will", "prescription": "Ask"},
        )
        written = DiagnosisCase.objects.exists()
    assert r.status_code == expected
    assert written == (expected == 201)


def test_it_rejects_an_unknown_root_cause(cast: Cast, api: Api) -> None:
    r = api(cast.owner).post(
        f"/programs/{cast.program.pk}/diagnosis-cases",
        {"title": "Quinn", "situation": "Won't", "root_cause": "astrology", "prescription": "x"},
    )
    assert r.status_code == 400 and "root_cause" in r.json()["errors"]
    assert not DiagnosisCase.objects.exists()
