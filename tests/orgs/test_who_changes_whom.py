"""Who may change whom: roles, login emails, regions. Each attack of issue 9 is played
here through the API and the pages, and refused."""

from __future__ import annotations

import pytest

from sustain.orgs import services
from sustain.orgs.models import Person, Region, Role
from tests.conftest import Api, Cast, Login


def _role(person: Person) -> str:
    person.refresh_from_db()
    return person.role


def test_it_refuses_an_executive_promoting_herself(cast: Cast, api: Api) -> None:
    response = api(cast.executive).patch(f"/people/{cast.executive.pk}", {"role": "admin"})
    assert response.status_code == 403
    assert _role(cast.executive) == Role.EXECUTIVE


def test_it_refuses_an_executive_demoting_the_admin(cast: Cast, api: Api) -> None:
    response = api(cast.executive).patch(f"/people/{cast.admin.pk}", {"role": "rep"})
    assert response.status_code == 403
    assert _role(cast.admin) == Role.ADMIN


def test_it_refuses_an_executive_changing_the_admins_login_email(cast: Cast, api: Api) -> None:
    response = api(cast.executive).patch(
        f"/people/{cast.admin.pk}", {"email": "eve.owns.this@acme.example"}
    )
    assert response.status_code == 403
    cast.admin.refresh_from_db()
    assert cast.admin.email == "adam.admin@acme-corp.example"


def test_it_lets_an_executive_still_edit_a_profile(cast: Cast, api: Api) -> None:
    response = api(cast.executive).patch(f"/people/{cast.rep.pk}", {"title": "Senior AE"})
    assert response.status_code == 200


def test_it_lets_an_admin_change_roles_and_emails(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(
        f"/people/{cast.rep.pk}", {"role": "analyst", "email": "Rita.New@Acme.example"}
    )
    assert response.status_code == 200, response.content
    cast.rep.refresh_from_db()
    assert (cast.rep.role, cast.rep.email) == (Role.ANALYST, "rita.new@acme.example")


def test_it_refuses_an_executive_adding_an_admin(cast: Cast, api: Api) -> None:
    response = api(cast.executive).post(
        "/people", {"email": "mole@acme.example", "name": "Mole", "role": "admin"}
    )
    assert response.status_code == 403
    assert not Person.objects.filter(email="mole@acme.example").exists()


def test_it_lets_an_executive_add_a_manager(cast: Cast, api: Api) -> None:
    response = api(cast.executive).post(
        "/people", {"email": "new.m@acme.example", "name": "New M", "role": "manager"}
    )
    assert response.status_code == 201


def test_it_refuses_demoting_the_last_admin(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/people/{cast.admin.pk}", {"role": "executive"})
    assert response.status_code == 400
    assert "last admin" in response.json()["detail"]
    assert _role(cast.admin) == Role.ADMIN


def test_it_lets_an_admin_step_down_when_another_admin_remains(cast: Cast, api: Api) -> None:
    services.person_change_role(person=cast.analyst, role=Role.ADMIN)
    response = api(cast.admin).patch(f"/people/{cast.admin.pk}", {"role": "executive"})
    assert response.status_code == 200
    assert _role(cast.admin) == Role.EXECUTIVE


def test_it_refuses_making_a_teams_manager_a_rep_and_names_the_team(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/people/{cast.manager.pk}", {"role": "rep"})
    assert response.status_code == 400
    assert "West 1" in response.json()["errors"]["role"][0]
    assert _role(cast.manager) == Role.MANAGER
    cast.team.refresh_from_db()
    assert cast.team.manager == cast.manager


def test_it_changes_a_managers_role_once_her_team_has_another_manager(cast: Cast, api: Api) -> None:
    admin = api(cast.admin)
    response = admin.patch(f"/teams/{cast.team.pk}", {"manager": cast.other_manager.pk})
    assert response.status_code == 200
    assert admin.patch(f"/people/{cast.manager.pk}", {"role": "rep"}).status_code == 200


def test_it_refuses_making_a_programs_owner_a_rep(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/people/{cast.owner.pk}", {"role": "rep"})
    assert response.status_code == 400
    assert "Consultative Selling" in response.json()["errors"]["role"][0]
    assert _role(cast.owner) == Role.OWNER


def test_it_lets_a_programs_owner_become_an_executive(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/people/{cast.owner.pk}", {"role": "executive"})
    assert response.status_code == 200


def test_it_refuses_an_executive_creating_a_region_through_people(cast: Cast, api: Api) -> None:
    response = api(cast.executive).patch(f"/people/{cast.rep.pk}", {"region": "Atlantis"})
    assert response.status_code == 400
    assert "region" in response.json()["errors"]
    assert not Region.objects.filter(name="Atlantis").exists()


def test_it_refuses_an_executive_creating_a_region_through_teams(cast: Cast, api: Api) -> None:
    executive = api(cast.executive)
    assert executive.post("/teams", {"name": "East 1", "region": "East"}).status_code == 400
    assert executive.patch(f"/teams/{cast.team.pk}", {"region": "East"}).status_code == 400
    assert not Region.objects.filter(name="East").exists()


def test_it_lets_an_executive_use_an_existing_region_in_any_case(cast: Cast, api: Api) -> None:
    response = api(cast.executive).patch(f"/people/{cast.rep.pk}", {"region": "west"})
    assert response.status_code == 200
    assert response.json()["region"] == "West"


def test_it_adds_no_region_when_the_change_is_refused(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(
        f"/people/{cast.rep.pk}", {"region": "North", "email": "not an email"}
    )
    assert response.status_code == 400
    assert not Region.objects.filter(name="North").exists()


def test_it_lets_an_admin_add_a_region_with_a_person(cast: Cast, api: Api) -> None:
    # The owner is on no team: a rep's region follows her team's (issue 10).
    response = api(cast.admin).patch(f"/people/{cast.owner.pk}", {"region": "North"})
    assert response.json()["region"] == "North"


def test_it_renames_a_region_through_the_api(cast: Cast, api: Api) -> None:
    region = Region.objects.get(organization=cast.org, name="West")
    assert api(cast.executive).patch(f"/regions/{region.pk}", {"name": "W"}).status_code == 403
    assert api(cast.outsider).patch(f"/regions/{region.pk}", {"name": "W"}).status_code == 404
    response = api(cast.admin).patch(f"/regions/{region.pk}", {"name": "Pacific"})
    assert response.json() == {"id": region.pk, "name": "Pacific"}


def test_it_renames_a_region_on_its_page(cast: Cast, login: Login) -> None:
    region = Region.objects.get(organization=cast.org, name="West")
    page = f"/organization/regions/{region.pk}/"
    assert login(cast.outsider).get(page).status_code == 404
    assert login(cast.executive).get(page).status_code == 403
    response = login(cast.admin).post(page, {"name": "Pacific"})
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.name == "Pacific"


# The pages follow the same rules ----------------------------------------------------


def _person_form(person: Person, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "role": person.role,
        "hire_date": "",
        "region": person.region_id or "",
        "team": person.team_id or "",
        "external_id": "",
    }
    data.update(changes)
    return data


def test_it_ignores_a_role_and_email_an_executive_posts_on_the_page(
    cast: Cast, login: Login
) -> None:
    client = login(cast.executive)
    response = client.post(
        f"/people/{cast.executive.pk}/edit/",
        _person_form(cast.executive, role="admin", email="x@acme.example", title="Boss"),
    )
    assert response.status_code == 302
    cast.executive.refresh_from_db()
    assert (cast.executive.role, cast.executive.title) == (Role.EXECUTIVE, "Boss")
    assert cast.executive.email == "eve.executive@acme-corp.example"


def test_it_shows_the_role_as_read_only_to_an_executive(cast: Cast, login: Login) -> None:
    page = login(cast.executive).get(f"/people/{cast.rep.pk}/edit/").content.decode()
    assert "Only an admin changes roles." in page


def test_it_offers_an_executive_only_the_roles_she_may_give(cast: Cast, login: Login) -> None:
    page = login(cast.executive).get("/people/new/").content.decode()
    assert 'value="manager"' in page
    assert 'value="admin"' not in page
    assert 'value="executive"' not in page


def test_it_refuses_a_managers_demotion_on_the_page_with_the_team_named(
    cast: Cast, login: Login
) -> None:
    response = login(cast.admin).post(
        f"/people/{cast.manager.pk}/edit/", _person_form(cast.manager, role="rep")
    )
    assert response.status_code == 200
    assert "West 1" in response.content.decode()
    assert _role(cast.manager) == Role.MANAGER


def test_it_lets_an_admin_change_a_role_and_email_on_the_page(cast: Cast, login: Login) -> None:
    response = login(cast.admin).post(
        f"/people/{cast.rep.pk}/edit/",
        _person_form(cast.rep, role="analyst", email="Rita.R@Acme.example"),
    )
    assert response.status_code == 302
    cast.rep.refresh_from_db()
    assert (cast.rep.role, cast.rep.email) == (Role.ANALYST, "rita.r@acme.example")


@pytest.mark.parametrize("role", ["manager", "rep", "trainer", "analyst", "owner"])
def test_it_refuses_anyone_but_an_admin_changing_roles_in_the_service(
    cast: Cast, role: str
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.person_change_role(person=cast.other_rep, role=Role.ANALYST, by=cast.by_role(role))
