"""A program's owner is an executive, a program owner or an admin: the API and the page
refuse anyone else, and the owner picker offers only those who may own it."""

from __future__ import annotations

import pytest

from sustain.programs.models import Program
from tests.conftest import Api, Cast, Login

INELIGIBLE = ["manager", "rep", "trainer", "analyst"]
ELIGIBLE = ["executive", "owner", "admin"]


@pytest.mark.parametrize("role", INELIGIBLE)
def test_the_api_refuses_an_ineligible_owner(cast: Cast, api: Api, role: str) -> None:
    person = cast.by_role(role)
    response = api(cast.admin).patch(f"/programs/{cast.program.pk}", {"owner": person.pk})
    assert response.status_code == 400, response.content
    assert "owner" in response.json()["errors"]
    cast.program.refresh_from_db()
    assert cast.program.owner == cast.owner
    created = api(cast.executive).post("/programs", {"name": "Negotiation", "owner": person.pk})
    assert created.status_code == 400
    assert not Program.objects.filter(name="Negotiation").exists()


@pytest.mark.parametrize("role", ELIGIBLE)
def test_the_api_accepts_an_eligible_owner(cast: Cast, api: Api, role: str) -> None:
    person = cast.by_role(role)
    response = api(cast.admin).patch(f"/programs/{cast.program.pk}", {"owner": person.pk})
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == person.pk


def _form(cast: Cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": cast.program.name,
        "owner": cast.program.owner_id or "",
        "status": cast.program.status,
        "budget_workshop": "100000",
        "budget_reinforcement": "30000",
    }
    data.update(changes)
    return data


def test_the_page_refuses_an_ineligible_owner_and_offers_only_eligible_people(
    cast: Cast, login: Login
) -> None:
    client = login(cast.admin)
    page = client.get(f"/programs/{cast.program.pk}/edit/").content.decode()
    for role in ELIGIBLE:
        assert f'value="{cast.by_role(role).pk}"' in page
    for role in INELIGIBLE:
        assert f'value="{cast.by_role(role).pk}"' not in page
    response = client.post(f"/programs/{cast.program.pk}/edit/", _form(cast, owner=cast.rep.pk))
    assert response.status_code == 200
    cast.program.refresh_from_db()
    assert cast.program.owner == cast.owner


def test_the_page_keeps_an_existing_ineligible_owner_while_other_fields_change(
    cast: Cast, login: Login
) -> None:
    Program.objects.filter(pk=cast.program.pk).update(owner=cast.manager)
    cast.program.refresh_from_db()
    client = login(cast.admin)
    response = client.post(f"/programs/{cast.program.pk}/edit/", _form(cast, name="Renamed"))
    assert response.status_code == 302
    cast.program.refresh_from_db()
    assert (cast.program.name, cast.program.owner) == ("Renamed", cast.manager)


def test_an_ineligible_owner_already_in_place_gets_no_rights_from_it(cast: Cast, api: Api) -> None:
    Program.objects.filter(pk=cast.program.pk).update(owner=cast.rep)
    response = api(cast.rep).patch(f"/programs/{cast.program.pk}", {"vendor": "Summit"})
    assert response.status_code == 403
    enroll = api(cast.rep).post(
        f"/programs/{cast.program.pk}/enrollments", {"person": cast.owner.pk}
    )
    assert enroll.status_code == 403
