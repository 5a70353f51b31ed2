"""Past `LOOKUP_LIMIT` choices a whole-organization choice field is a text input where
the person types the exact name (or, for people, the email), matched within what she may
pick. The limit is patched low so the small cast is "big"."""

from __future__ import annotations

import pytest

from sustain.orgs import services as org_services
from sustain.orgs.models import Person, Role, Team
from sustain.web import formfields
from tests.conftest import PASSWORD, Cast, Login, make_person


@pytest.fixture
def low_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formfields, "LOOKUP_LIMIT", 1)  # the cast has two teams


def _team_post(team: Team, **changes: object) -> dict[str, object]:
    assert team.region_id is not None and team.manager_id is not None
    return {"name": team.name, "region": team.region_id, "manager": team.manager_id, **changes}


def test_it_renders_a_select_under_the_limit(cast: Cast, login: Login) -> None:
    page = login(cast.admin).get(f"/teams/{cast.team.pk}/edit/").content.decode()
    assert '<select name="manager"' in page and "Otto Othermanager</option>" in page


def test_it_renders_the_current_name_in_a_text_input_past_the_limit(
    cast: Cast, login: Login, low_limit: None
) -> None:
    page = login(cast.admin).get(f"/teams/{cast.team.pk}/edit/").content.decode()
    assert '<select name="manager"' not in page
    assert 'type="text" name="manager" value="Mia Manager"' in page
    assert "Otto Othermanager" not in page  # no option lists the others
    assert '<select name="region"' in page  # one region: still the select


def test_it_saves_a_team_typed_by_name(cast: Cast, login: Login, low_limit: None) -> None:
    data = {"name": cast.rep.name, "email": cast.rep.email, "role": Role.REP, "team": "west 2"}
    response = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data)
    assert response.status_code == 302
    assert Person.objects.get(pk=cast.rep.pk).team == cast.other_team


def test_it_refuses_an_unknown_name_beside_the_field(
    cast: Cast, login: Login, low_limit: None
) -> None:
    data = {"name": cast.rep.name, "email": cast.rep.email, "role": Role.REP, "team": "East 9"}
    page = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data).content.decode()
    assert 'id="id_team-error">No team named “East 9”.' in page
    assert 'value="East 9"' in page  # what she typed, to correct
    assert Person.objects.get(pk=cast.rep.pk).team == cast.team


def test_it_refuses_another_organizations_team_as_unknown(
    cast: Cast, login: Login, low_limit: None
) -> None:
    assert cast.outsider.organization is not None
    org_services.team_create(organization=cast.outsider.organization, name="Globex 1")
    data = {"name": cast.rep.name, "email": cast.rep.email, "role": Role.REP, "team": "Globex 1"}
    page = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data).content.decode()
    assert "No team named “Globex 1”." in page
    assert Person.objects.get(pk=cast.rep.pk).team == cast.team


def test_it_asks_for_the_email_when_a_name_is_ambiguous(
    cast: Cast, login: Login, low_limit: None
) -> None:
    make_person(cast.org, "Ana Smith", Role.MANAGER)
    second = org_services.person_create(
        organization=cast.org,
        email="ana.two@acme.example",
        name="Ana Smith",
        role=Role.MANAGER,
        password=PASSWORD,
    )
    client = login(cast.admin)
    url = f"/teams/{cast.team.pk}/edit/"
    page = client.post(url, _team_post(cast.team, manager="ana smith")).content.decode()
    assert "2 people are named “ana smith”: type the email." in page
    assert Team.objects.get(pk=cast.team.pk).manager == cast.manager
    response = client.post(url, _team_post(cast.team, manager="ANA.TWO@acme.example"))
    assert response.status_code == 302
    assert Team.objects.get(pk=cast.team.pk).manager == second


def test_it_filters_and_enrolls_a_team_typed_by_name_on_the_enroll_page(
    cast: Cast, login: Login, low_limit: None
) -> None:
    org_services.person_create(
        organization=cast.org,
        email="nia@acme.example",
        name="Nia New",
        role=Role.REP,
        team=cast.other_team,
    )
    url = f"/programs/{cast.program.pk}/enrollments/new/"
    page = login(cast.owner).get(url).content.decode()
    assert 'id="g-team"' in page and 'id="f-team"' in page
    assert "West 2</option>" not in page  # no team listed as an option
    listed = login(cast.owner).get(url, {"team": "west 2"}).content.decode()
    assert "Nia New" in listed
    response = login(cast.owner).post(url, {"scope": "all", "team": "West 2", "role": "rep"})
    assert response.status_code == 302
    assert cast.program.enrollments.filter(person__name="Nia New").exists()
    refused = login(cast.owner).post(url, {"scope": "all", "team": "West 9"})
    assert refused.status_code == 400 and "No team named “West 9”." in refused.content.decode()
