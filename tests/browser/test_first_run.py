"""From an empty database to a manager signed in, as a new company would do it: `sustain
init`, the admin's link, her password, a manager added and invited, the invitation
received by a real SMTP server, the manager's password, her home page."""

from __future__ import annotations

import email
import email.policy
import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import Page
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.notify.test_outbox import Inbox, smtp  # noqa: F401  (a fixture)

LINK = re.compile(r"https?://\S+/password/set/\S+/")


def received_link(inbox: Inbox, to: str) -> str:
    for _ in range(100):
        for rcpt, raw in inbox.messages:
            if rcpt == to:
                message = email.message_from_bytes(raw, policy=email.policy.default)
                part = message.get_body(("plain",))
                assert part is not None
                link = LINK.search(part.get_content())
                assert link, raw
                return link[0]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to}")


def choose_password(page: Page, link: str, password: str) -> None:
    page.goto(link)
    page.fill("input[name=new_password1]", password)
    page.fill("input[name=new_password2]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/login/"))
    assert page.get_by_text("Your password is set").is_visible()


def sign_in(page: Page, live_server: LiveServer, email_: str, password: str) -> None:
    assert page.input_value("input[name=username]") == email_
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.django_db(transaction=True)
def test_it_takes_a_new_company_from_nothing_to_a_signed_in_manager(
    page: Page,
    live_server: LiveServer,
    smtp: Inbox,  # noqa: F811
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.SUSTAIN_BASE_URL = live_server.url
    page.goto(f"{live_server.url}/")
    assert page.get_by_text("--admin-email").is_visible()

    call_command(
        "init",
        "--org",
        "Acme Corp",
        "--admin-email",
        "ada@acme.example",
        "--admin-name",
        "Ada Admin",
    )
    printed = LINK.search(capsys.readouterr().out)
    assert printed
    admin_link = printed[0]
    assert admin_link.startswith(live_server.url)
    choose_password(page, admin_link, "lantern-harbour-97")
    sign_in(page, live_server, "ada@acme.example", "lantern-harbour-97")
    assert page.get_by_text("Good to see you, Ada Admin").is_visible()

    page.goto(f"{live_server.url}/people/new/")
    page.fill("input[name=name]", "Mia Manager")
    page.fill("input[name=email]", "Mia.Manager@acme.example")
    page.select_option("select[name=role]", "manager")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))

    page.goto(f"{live_server.url}/teams/new/")
    page.fill("input[name=name]", "West 1")
    page.select_option("select[name=manager]", label="Mia Manager")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/teams/\d+/$"))
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="Mia Manager").click()
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("Invitation sent to mia.manager@acme.example").is_visible()
    page.get_by_role("button", name="Sign out").click()

    manager_link = received_link(smtp, "mia.manager@acme.example")
    assert manager_link.startswith(live_server.url)
    choose_password(page, manager_link, "copper-meadow-42")
    sign_in(page, live_server, "mia.manager@acme.example", "copper-meadow-42")
    assert page.get_by_text("Good to see you, Mia Manager").is_visible()
    assert page.get_by_role("heading", name="Your team").is_visible()
    assert page.locator("table[data-team='West 1']").is_visible()

    # The link worked once.
    page.goto(manager_link)
    assert page.get_by_text("This link has already been used").is_visible()
