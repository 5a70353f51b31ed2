from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from sustain.coaching import services
from tests.browser.conftest import SignIn
from tests.conftest import Cast


@pytest.mark.django_db(transaction=True)
def test_it_takes_an_observation_from_manager_to_rep(
    cast: Cast, sign_in: SignIn, live_server: LiveServer
) -> None:
    today = timezone.localdate()
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    due = today + dt.timedelta(days=10)
    action = "Role-play discovery with Sam twice"

    page = sign_in(cast.manager.email)
    panel = page.locator("#coaching-panel")
    expect(panel.get_by_text("Rita Rep")).to_be_visible()
    panel.get_by_role("link", name="Observe").click()
    page.get_by_label("Channel").select_option("field")
    page.get_by_label("Discovery: score").select_option("2")
    page.get_by_label("Discovery: evidence").fill("Pitched the product before asking a question.")
    page.get_by_label("Diagnosis (root cause of the gap)").select_option("skill")
    page.get_by_label("Development action 1").fill(action)
    page.get_by_label("Action 1 due").fill(due.isoformat())
    page.get_by_label("Private note (never shown to the rep)").fill("Nervous with senior buyers")
    page.get_by_role("button", name="Record observation").click()
    expect(page.get_by_test_id("diagnosis")).to_have_text("Skill")
    expect(page.locator("#prescription").get_by_text(action)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    page = sign_in(cast.rep.email)
    expect(page.locator("#coaching-panel").get_by_text(action)).to_be_visible()
    page.locator("#coaching-panel").get_by_role("link", name="My coaching").click()
    expect(page.locator("#actions").get_by_text(action)).to_be_visible()
    page.locator("#observations").get_by_role("link").first.click()
    expect(page.get_by_test_id("diagnosis")).to_have_text("Skill")
    expect(page.locator("#prescription").get_by_text(action)).to_be_visible()
    expect(page.locator("#prescription")).to_contain_text(f"due {due.day} {due:%b %Y}")
    expect(page.get_by_text("Nervous with senior buyers")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_the_program_page_fills_in_its_stored_figures_without_a_reload(
    cast: Cast, sign_in: SignIn, live_server: LiveServer
) -> None:
    today = timezone.localdate()
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    services.observation_create(
        observer=cast.manager,
        rep=cast.rep,
        date=today,
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": cast.concept.pk, "score": 3, "evidence": ""}],
    )
    page = sign_in(cast.analyst.email)
    page.goto(f"{live_server.url}/coaching/program/{cast.program.pk}/")
    # Computed in the background on a first view: the part says so, then fills itself in.
    expect(page.locator("#coaching-summary")).to_contain_text("being computed")
    expect(page.get_by_test_id("coverage")).to_have_text("50%", timeout=15_000)
    expect(page.locator("#dist svg")).to_be_visible()
    expect(page.locator("#overdue")).to_contain_text("Oscar Otherrep")
    assert not page.locator("#coaching-summary[hx-trigger]").count()
