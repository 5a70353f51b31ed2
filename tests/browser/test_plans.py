"""A rep commits to her plan, checks in and answers her due refresher; her manager sees
it on the team page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sustain.orgs.models import Person
from sustain.plans import services as plan_services
from sustain.refreshers import services as refresher_services
from tests.conftest import PASSWORD, Cast


def _sign_in(page: Page, base: str, person: Person) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", person.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.django_db(transaction=True)
def test_a_rep_follows_through_and_her_manager_sees_it(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    cast.program.enrollments.update(trained_on=dt.date.today() - dt.timedelta(days=10))
    plan_services.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    refresher_services.question_create(
        concept=cast.concept,
        prompt="What does an impact question ask?",
        choices=["What the problem costs", "The budget"],
        answer="What the problem costs",
        explanation="Impact questions put a number on the problem.",
    )
    base = live_server.url

    _sign_in(page, base, cast.rep)
    page.goto(f"{base}/plans/me/")
    page.get_by_role("button", name="I commit to this plan").click()
    expect(page.locator("[data-committed]")).to_have_text("Committed")
    page.get_by_label("What I applied this week").fill("Asked impact questions on 3 calls")
    page.get_by_label("Where I struggled").fill("Staying quiet after the question")
    page.get_by_label("How well I practise").select_option("4")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("#check-ins")).to_contain_text("Asked impact questions on 3 calls")

    page.goto(f"{base}/refreshers/")
    page.get_by_label("What the problem costs").check()
    page.get_by_role("button", name="Answer").click()
    expect(page.locator("[data-result]")).to_have_text("Correct")
    page.goto(f"{base}/refreshers/")
    expect(page.locator("[data-none-due]")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, base, cast.manager)
    page.goto(f"{base}/plans/team/")
    row = page.locator(f"tr[data-rep='{cast.rep.name}']")
    expect(row).to_contain_text("Discovery")
    expect(row.locator(".badge.ok")).to_be_visible()  # committed
    expect(row.locator("td.num").nth(2)).to_have_text("4")  # last self-rating
    expect(page.locator(f"tr[data-rep='{cast.other_rep.name}']")).to_have_count(0)
