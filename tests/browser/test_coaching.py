from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import Cast


@pytest.mark.django_db(transaction=True)
def test_it_takes_an_observation_from_manager_to_rep(cast: Cast, sign_in, live_server) -> None:
    today = timezone.localdate()
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    due = today + dt.timedelta(days=10)

    page = sign_in(cast.manager.email)
    panel = page.locator("#coaching-panel")
    assert panel.get_by_text("Rita Rep").is_visible()
    panel.get_by_role("link", name="Observe").click()
    page.get_by_label("Channel").select_option("field")
    page.get_by_label("Discovery: score").select_option("2")
    page.get_by_label("Discovery: evidence").fill("Pitched the product before asking a question.")
    page.get_by_label("Diagnosis (root cause of the gap)").select_option("skill")
    page.get_by_label("Development action 1").fill("Role-play discovery with Sam twice")
    page.get_by_label("Action 1 due").fill(due.isoformat())
    page.get_by_label("Private note (never shown to the rep)").fill("Nervous with senior buyers")
    page.get_by_role("button", name="Record observation").click()
    assert page.get_by_test_id("diagnosis").inner_text() == "Skill"
    assert page.locator("#prescription").get_by_text("Role-play discovery with Sam twice") \
        .is_visible()

    page.get_by_role("button", name="Sign out").click()
    page = sign_in(cast.rep.email)
    assert page.locator("#coaching-panel").get_by_text(
        "Role-play discovery with Sam twice").is_visible()
    page.get_by_role("link", name="My coaching").click()
    assert page.locator("#actions").get_by_text("Role-play discovery with Sam twice").is_visible()
    page.locator("#observations").get_by_role("link").first.click()
    assert page.get_by_test_id("diagnosis").inner_text() == "Skill"
    assert page.locator("#prescription").get_by_text(f"due {due.day} {due:%b %Y}").is_visible()
    assert page.get_by_text("Nervous with senior buyers").count() == 0
