"""Who reaches a call, its labels and a program's adoption figures, role by role, on the
API and the pages. An outsider always gets 404."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.adoption import services
from sustain.adoption.models import Call
from sustain.programs.models import Concept
from tests.adoption.conftest import GOOD_CALL
from tests.conftest import Api, Cast, Login
from tests.helpers import ROLES

#                 exe  own  ana  adm  man  oman rep  orep trn  out
CALL_READ = [200, 200, 200, 200, 200, 404, 200, 404, 404, 404]
LABEL = [201, 201, 403, 201, 201, 404, 403, 404, 404, 404]
CALIBRATION = [200, 200, 200, 200, 200, 200, 200, 200, 200, 404]
RESCORE = [202, 202, 403, 202, 202, 202, 403, 403, 403, 404]
PAGE = [200, 200, 200, 200, 200, 200, 200, 200, 200, 404]


@pytest.fixture
def call(cast: Cast, discovery: Concept) -> Call:
    return services.calls_create(
        uploaded_by=cast.manager,
        program=cast.program,
        rep=cast.rep,
        date=dt.date(2026, 10, 1),
        uploads=[services.Upload("call.vtt", GOOD_CALL)],
    )[0]


def cases(row: list[int]) -> list[tuple[str, int]]:
    return list(zip(ROLES, row, strict=True))


@pytest.mark.parametrize(("role", "expected"), cases(CALL_READ))
def test_call_read(
    cast: Cast, call: Call, api: Api, login: Login, role: str, expected: int
) -> None:
    person = cast.by_role(role)
    assert api(person).get(f"/calls/{call.pk}").status_code == expected
    assert login(person).get(f"/adoption/calls/{call.pk}/").status_code == expected


@pytest.mark.parametrize(("role", "expected"), cases(LABEL))
def test_label_write(
    cast: Cast, call: Call, discovery: Concept, api: Api, role: str, expected: int
) -> None:
    body = {"concept": discovery.pk, "used": True}
    assert api(cast.by_role(role)).post(f"/calls/{call.pk}/labels", body).status_code == expected


@pytest.mark.parametrize(("role", "expected"), cases(CALIBRATION))
def test_calibration_read(cast: Cast, api: Api, role: str, expected: int) -> None:
    path = f"/programs/{cast.program.pk}/adoption/calibration"
    assert api(cast.by_role(role)).get(path).status_code == expected


@pytest.mark.parametrize(("role", "expected"), cases(RESCORE))
def test_rescore(cast: Cast, api: Api, role: str, expected: int) -> None:
    path = f"/programs/{cast.program.pk}/adoption/rescore"
    assert api(cast.by_role(role)).post(path).status_code == expected


@pytest.mark.parametrize(("role", "expected"), cases(PAGE))
def test_program_page(cast: Cast, call: Call, login: Login, role: str, expected: int) -> None:
    assert (
        login(cast.by_role(role)).get(f"/adoption/program/{cast.program.pk}/").status_code
        == expected
    )
