"""Login emails: case-insensitive, and no answer that reveals another organization's
people."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from sustain.orgs import services
from sustain.orgs.models import Person
from sustain.orgs.services import UNUSABLE_EMAIL
from tests.conftest import PASSWORD, Api, Cast, Login

# Another organization's login (the cast's outsider, at Globex).
FOREIGN = "xavier.outsider@globex.example"


def test_it_answers_another_orgs_email_exactly_like_an_invalid_one(cast: Cast, api: Api) -> None:
    admin = api(cast.admin)
    before = Person.objects.count()
    foreign = admin.post("/people", {"email": FOREIGN, "name": "Probe"})
    invalid = admin.post("/people", {"email": "not-an-address", "name": "Probe"})
    assert foreign.status_code == invalid.status_code == 400
    assert (
        foreign.json()
        == invalid.json()
        == {
            "detail": UNUSABLE_EMAIL,
            "errors": {"email": [UNUSABLE_EMAIL]},
        }
    )
    assert "exists" not in foreign.content.decode()
    assert Person.objects.count() == before


def test_it_hides_another_orgs_email_in_any_case(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post("/people", {"email": FOREIGN.upper(), "name": "Probe"})
    assert response.json()["errors"] == {"email": [UNUSABLE_EMAIL]}


def test_it_hides_another_orgs_email_when_changing_one(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/people/{cast.rep.pk}", {"email": FOREIGN})
    assert response.json()["errors"] == {"email": [UNUSABLE_EMAIL]}
    cast.rep.refresh_from_db()
    assert cast.rep.email == "rita.rep@acme-corp.example"


def test_it_names_a_clash_inside_the_organization(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post("/people", {"email": "RITA.REP@acme-corp.example", "name": "D"})
    assert response.status_code == 400
    assert response.json()["errors"]["email"] == ["Rita Rep already has this email here."]


def test_it_answers_the_page_form_the_same_for_foreign_and_invalid(
    cast: Cast, login: Login
) -> None:
    client = login(cast.admin)

    def errors(email: str) -> list[str]:
        response = client.post("/people/new/", {"name": "Probe", "email": email, "role": "rep"})
        assert response.status_code == 200
        messages: list[str] = response.context["form"].errors["email"]
        return messages

    assert errors(FOREIGN) == errors("not-an-address") == [UNUSABLE_EMAIL]
    assert errors("rita.rep@acme-corp.example") == ["Rita Rep already has this email here."]


def test_it_stores_emails_lower_cased(cast: Cast) -> None:
    person = services.person_create(
        organization=cast.org, email="  Riley.Morgan@Acme.Example ", name="Riley Morgan"
    )
    assert person.email == "riley.morgan@acme.example"


def test_it_refuses_a_case_variant_duplicate_even_behind_the_services(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.bulk_create(
            [Person(organization=cast.org, email="Rita.Rep@acme-corp.example", name="Dup")]
        )


def test_it_logs_in_with_the_email_in_any_case(cast: Cast, client: Client) -> None:
    response = client.post(
        "/login/", {"username": "  Rita.Rep@ACME-Corp.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.rep.pk)


def test_it_still_refuses_a_wrong_password(cast: Cast, client: Client) -> None:
    response = client.post("/login/", {"username": "Rita.Rep@acme-corp.example", "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_makes_tokens_for_an_email_in_any_case(cast: Cast) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("token", "create", "Rita.Rep@Acme-Corp.example", stdout=out)
    assert out.getvalue().startswith("sus_")
