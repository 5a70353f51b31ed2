from __future__ import annotations

from django.test import Client

from sustain.orgs.models import Person
from tests.conftest import Api, Cast


def test_it_rejects_requests_without_a_valid_token(cast: Cast, client: Client) -> None:
    assert client.get("/api/v1/people").status_code == 401
    response = client.get("/api/v1/people", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_it_shows_a_persons_role_and_id(cast: Cast, api: Api) -> None:
    body = api(cast.executive).get(f"/people/{cast.rep.pk}").json()
    assert body["id"] == cast.rep.pk
    assert body["role"] == "rep"
    assert body["team"] == cast.team.pk
    assert body["region"] == "West"


def test_it_creates_a_person(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post(
        "/people",
        {
            "email": "New.Rep@Acme.example",
            "name": "New Rep",
            "role": "rep",
            "team": cast.team.pk,
        },
    )
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert person.email == "new.rep@acme.example"
    assert person.organization == cast.org


def test_it_rejects_a_duplicate_email_with_a_clear_400(cast: Cast, api: Api) -> None:
    before = Person.objects.count()
    response = api(cast.admin).post("/people", {"email": cast.rep.email, "name": "Dup"})
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert Person.objects.count() == before


def test_it_rejects_an_unknown_role_with_422(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post(
        "/people", {"email": "x@acme.example", "name": "X", "role": "emperor"}
    )
    assert response.status_code == 422
    assert "detail" in response.json()


def test_it_will_not_put_a_person_on_another_organizations_team(cast: Cast, api: Api) -> None:
    from sustain.orgs.services import team_create

    assert cast.outsider.organization is not None
    foreign = team_create(organization=cast.outsider.organization, name="Globex 1")
    response = api(cast.admin).patch(f"/people/{cast.rep.pk}", {"team": foreign.pk})
    assert response.status_code == 404
    cast.rep.refresh_from_db()
    assert cast.rep.team == cast.team


def test_it_requires_a_manager_to_lead_a_team(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/teams/{cast.team.pk}", {"manager": cast.rep.pk})
    assert response.status_code == 400
    assert "manager" in response.json()["errors"]


def test_it_lists_a_teams_members(cast: Cast, api: Api) -> None:
    body = api(cast.manager).get(f"/teams/{cast.team.pk}").json()
    assert [m["name"] for m in body["members"]] == ["Rita Rep"]
    assert body["size"] == 1


def test_it_serves_the_openapi_schema(cast: Cast, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/people",
        "/api/v1/teams",
        "/api/v1/programs",
        "/api/v1/programs/{program_id}/concepts",
        "/api/v1/programs/{program_id}/enrollments",
    ]:
        assert path in schema["paths"]


def test_it_answers_me(cast: Cast, api: Api) -> None:
    assert api(cast.rep).get("/me").json()["email"] == cast.rep.email


def test_it_serves_the_api_docs_without_a_cdn(client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html


def test_it_adds_a_region_once(cast: Cast, api: Api) -> None:
    admin = api(cast.admin)
    assert admin.post("/regions", {"name": "East"}).status_code == 201
    response = admin.post("/regions", {"name": "east"})
    assert response.status_code == 400
    assert [r["name"] for r in admin.get("/regions").json()["items"]] == ["East", "West"]


def test_it_lets_only_an_admin_add_regions(cast: Cast, api: Api) -> None:
    assert api(cast.executive).post("/regions", {"name": "East"}).status_code == 403
    assert api(cast.outsider).get("/regions").json()["items"] == []
