"""An admin moves a rep to another team in an organization of more than `LOOKUP_LIMIT`
teams: she types part of its name, picks the suggestion, saves. A number typed is a
name here, never a primary key."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sustain.orgs.models import Person, Team
from sustain.web.formfields import LOOKUP_LIMIT
from tests.browser.test_plans import _sign_in
from tests.conftest import Cast

SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "lookup.png"


@pytest.mark.django_db(transaction=True)
def test_an_admin_picks_a_team_from_the_suggestions(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    Team.objects.bulk_create(
        Team(organization=cast.org, name=f"Pod {n}") for n in range(1, LOOKUP_LIMIT + 2)
    )
    base = live_server.url
    _sign_in(page, base, cast.admin)
    page.goto(f"{base}/people/{cast.rep.pk}/edit/")
    team = page.get_by_label("Team")
    expect(team).to_have_value("West 1")
    team.fill("")
    team.press_sequentially("od 17", delay=50)
    options = page.locator("#id_team-options option")
    expect(options).to_have_count(11)  # Pod 17, then Pod 170 … Pod 179
    expect(options.first).to_have_attribute("value", "Pod 17")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    # The datalist's drop-down is the browser's own, which headless Chromium does not
    # draw: pick the suggestion as the browser would, by setting the input to its value.
    team.fill(options.first.get_attribute("value") or "")
    expect(team).to_have_value("Pod 17")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Saved.")
    rep = Person.objects.select_related("team").get(pk=cast.rep.pk)
    assert rep.team is not None and rep.team.name == "Pod 17"
