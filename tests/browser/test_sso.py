"""Signing in with single sign-on in a real browser, against a real OpenID Connect
provider (django-oauth-toolkit) started by the tests on a local port."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sustain.orgs.models import Role
from sustain.orgs.services import person_create
from tests.conftest import Cast
from tests.oidc_provider.fixture import Provider, oidc_provider  # noqa: F401  (a fixture)


def through_provider(page: Page, live_server: LiveServer, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Sign in with Acme Login").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/accounts/login/"))
    page.fill("#provider-username", username)
    page.fill("#provider-password", password)
    page.get_by_role("button", name="Continue").click()


@pytest.mark.django_db(transaction=True)
def test_it_signs_in_through_the_companys_provider(
    cast: Cast,
    page: Page,
    live_server: LiveServer,
    oidc_provider: Provider,  # noqa: F811
) -> None:
    person_create(
        organization=cast.org, name="Mia Acme", role=Role.MANAGER, email="mia.manager@acme.example"
    )
    with override_settings(**oidc_provider.settings()):
        through_provider(page, live_server, "mia", oidc_provider.password)
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_text("Good to see you, Mia Acme").is_visible()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_stranger_clearly(
    cast: Cast,
    page: Page,
    live_server: LiveServer,
    oidc_provider: Provider,  # noqa: F811
) -> None:
    with override_settings(**oidc_provider.settings()):
        through_provider(page, live_server, "stranger", oidc_provider.password)
        page.wait_for_url(f"{live_server.url}/sso/refused/")
        assert page.get_by_text("No Sustain account for you here").is_visible()
        assert page.get_by_text("stranger@elsewhere.example").is_visible()
