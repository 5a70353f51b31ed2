"""django-axes, switched on here (the test settings turn it off for `client.login`)."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import Settings

from tests.conftest import PASSWORD, Api, Cast, Login, Response


@pytest.fixture(autouse=True)
def axes_on(settings: Settings) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(client: Client, email: str, password: str, ip: str = "10.0.0.1") -> Response:
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_it_locks_an_account_after_repeated_failures(cast: Cast, client: Client) -> None:
    assert sign_in(client, cast.rep.email, "wrong", "10.0.0.1").status_code == 200
    assert sign_in(client, cast.rep.email, "wrong", "10.0.0.2").status_code == 200
    # The failure that reaches the limit already answers with the lockout.
    assert sign_in(client, cast.rep.email, "wrong", "10.0.0.3").status_code == 429
    response = sign_in(client, cast.rep.email, PASSWORD, "10.0.0.4")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session


def test_it_counts_failures_whatever_the_capitalisation(cast: Cast, client: Client) -> None:
    for email in ("Rita.Rep@acme-corp.example", "RITA.REP@acme-corp.example", cast.rep.email):
        sign_in(client, email, "wrong", "10.0.0.9")
    assert sign_in(client, cast.rep.email, PASSWORD, "10.0.0.8").status_code == 429


def test_it_locks_an_address_trying_many_accounts(cast: Cast, client: Client) -> None:
    for person in (cast.manager, cast.executive, cast.owner):
        sign_in(client, person.email, "wrong", "10.6.6.6")
    assert sign_in(client, cast.rep.email, PASSWORD, "10.6.6.6").status_code == 429
    # Another address is not affected.
    assert sign_in(client, cast.rep.email, PASSWORD, "10.0.0.7").status_code == 302


def test_it_lets_a_person_in_below_the_limit(cast: Cast, client: Client) -> None:
    sign_in(client, cast.rep.email, "wrong")
    sign_in(client, cast.rep.email, "wrong")
    assert sign_in(client, cast.rep.email, PASSWORD).status_code == 302


def test_it_lets_an_admin_unlock_from_the_person_page(cast: Cast, client: Client) -> None:
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        sign_in(client, cast.rep.email, "wrong", ip)
    admin = Client()
    admin.force_login(cast.admin)
    page = admin.get(f"/people/{cast.rep.pk}/")
    assert "Sign-in is locked" in page.text and "Unlock sign-in" in page.text
    assert admin.post(f"/people/{cast.rep.pk}/unlock/").status_code == 302
    assert "Unlock sign-in" not in admin.get(f"/people/{cast.rep.pk}/").text
    assert sign_in(client, cast.rep.email, PASSWORD, "10.0.0.4").status_code == 302


def test_it_forbids_a_non_admin_to_unlock(cast: Cast, login: Login) -> None:
    assert login(cast.manager).post(f"/people/{cast.rep.pk}/unlock/").status_code == 403
    assert login(cast.outsider).post(f"/people/{cast.rep.pk}/unlock/").status_code == 404


def test_it_unlocks_through_the_api(cast: Cast, client: Client, api: Api) -> None:
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        sign_in(client, cast.rep.email, "wrong", ip)
    admin = api(cast.admin)
    assert admin.get(f"/people/{cast.rep.pk}/sign-in").json()["locked"] is True
    response = admin.post(f"/people/{cast.rep.pk}/unlock")
    assert response.status_code == 200 and response.json()["locked"] is False
    assert api(cast.manager).post(f"/people/{cast.rep.pk}/unlock").status_code == 403
    assert api(cast.outsider).post(f"/people/{cast.rep.pk}/unlock").status_code == 404
