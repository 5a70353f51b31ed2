"""Single sign-on against a real OpenID Connect provider (django-oauth-toolkit in a
subprocess): the browser's leg is played by `requests`, Sustain's by the test client."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
import requests
from django.test import Client, override_settings
from pytest_django import Settings

from sustain.orgs.models import Person, Role
from sustain.orgs.services import person_create
from tests.conftest import Cast, Response
from tests.oidc_provider.fixture import Provider


@pytest.fixture
def sso(oidc_provider: Provider) -> Iterator[Provider]:
    with override_settings(**oidc_provider.settings()):
        yield oidc_provider


def sign_in_with_provider(client: Client, username: str, password: str) -> Response:
    """Start at Sustain, sign in at the provider, come back to Sustain's callback."""
    start = client.get("/sso/start/")
    assert start.status_code == 302, start
    browser = requests.Session()
    url = start["Location"]
    login = browser.get(url, timeout=10)  # redirected to the provider's login form
    next_field = re.search(r'name="next" value="([^"]*)"', login.text)
    assert next_field, login.text
    response = browser.post(
        login.url,
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["provider_csrf"],
            "next": html.unescape(next_field[1]),
        },
        allow_redirects=False,
        timeout=10,
    )
    # Follow the provider's redirects until it sends the browser back to Sustain.
    while not response.headers["Location"].startswith("http://testserver/"):
        response = browser.get(
            urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10
        )
    return client.get(response.headers["Location"].removeprefix("http://testserver"))


@pytest.fixture
def mia(cast: Cast) -> Person:
    # The provider knows her as Mia.Manager@ACME.example: matched whatever the case.
    return person_create(
        organization=cast.org, name="Mia Acme", role=Role.MANAGER, email="mia.manager@acme.example"
    )


def test_it_signs_in_a_known_person_matched_by_email(
    sso: Provider, mia: Person, client: Client
) -> None:
    response = sign_in_with_provider(client, "mia", sso.password)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(mia.pk)
    assert "Mia Acme" in client.get("/").text


def test_it_refuses_an_unknown_email_and_creates_nobody(
    sso: Provider, cast: Cast, client: Client
) -> None:
    from sustain.orgs.models import Person

    before = Person.objects.count()
    response = sign_in_with_provider(client, "stranger", sso.password)
    assert response["Location"] == "/sso/refused/"
    page = client.get("/sso/refused/")
    assert page.status_code == 403
    assert "stranger@elsewhere.example" in page.text and "does not create accounts" in page.text
    assert "_auth_user_id" not in client.session
    assert Person.objects.count() == before


def test_it_refuses_a_deactivated_person(sso: Provider, mia: Person, client: Client) -> None:
    mia.is_active = False
    mia.save(update_fields=["is_active"])
    response = sign_in_with_provider(client, "mia", sso.password)
    assert response["Location"] == "/sso/refused/"
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_unverified_email(sso: Provider, cast: Cast, client: Client) -> None:
    person_create(organization=cast.org, name="Rita Acme", email="rita.rep@acme.example")
    response = sign_in_with_provider(client, "unverified", sso.password)
    assert response["Location"] == "/sso/refused/"
    assert "_auth_user_id" not in client.session


def test_it_shows_the_provider_button_only_when_configured(
    cast: Cast, client: Client, oidc_provider: Provider
) -> None:
    assert "Sign in with" not in client.get("/login/").text
    assert client.get("/sso/start/").status_code == 404
    with override_settings(**oidc_provider.settings()):
        assert "Sign in with Acme Login" in client.get("/login/").text


def test_it_says_so_when_the_provider_does_not_answer(cast: Cast, client: Client) -> None:
    with override_settings(
        SUSTAIN_OIDC_ISSUER="http://127.0.0.1:9/nothing", OIDC_RP_CLIENT_ID="x", OIDC_TIMEOUT=2
    ):
        response = client.get("/sso/start/")
    assert response.status_code == 502 and "did not answer" in response.text


def test_it_says_so_when_the_discovery_document_is_not_an_object(
    cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def get(url: str, timeout: float) -> requests.Response:
        response = requests.Response()
        response.status_code, response._content = 200, b"[]"
        return response

    monkeypatch.setattr(requests, "get", get)
    with override_settings(
        SUSTAIN_OIDC_ISSUER="http://provider.test/list", OIDC_RP_CLIENT_ID="x", OIDC_TIMEOUT=2
    ):
        response = client.get("/sso/start/")
    assert response.status_code == 502 and "did not answer" in response.text


def test_it_signs_in_with_login_throttling_on(
    sso: Provider, mia: Person, client: Client, settings: Settings
) -> None:
    settings.AXES_ENABLED = True
    response = sign_in_with_provider(client, "mia", sso.password)
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(mia.pk)


def test_it_counts_a_refused_sso_sign_in_as_a_failure(
    sso: Provider, cast: Cast, client: Client, settings: Settings
) -> None:
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    sign_in_with_provider(client, "stranger", sso.password)
    assert AccessAttempt.objects.get().failures_since_start == 1
