"""Browser tests: Playwright drives Debian's Chromium, headless, against live_server."""

from __future__ import annotations

import os
from typing import Any, Protocol

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


class SignIn(Protocol):
    """The `sign_in` fixture: signs in through the login page and gives the page."""

    def __call__(self, email: str, password: str = ...) -> Page: ...


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def sign_in(page: Page, live_server: LiveServer) -> SignIn:
    """Sign in through the login page, as a person would."""
    from tests.conftest import PASSWORD

    def as_person(email: str, password: str = PASSWORD) -> Page:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return as_person
