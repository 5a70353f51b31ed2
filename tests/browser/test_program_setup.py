"""A program owner sets her program up from the web: filters the people list to a team,
ticks "all" and enrolls them, then writes a refresher question and previews it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sustain.refreshers.models import Question
from tests.browser.test_plans import _sign_in
from tests.conftest import Cast


@pytest.mark.django_db(transaction=True)
def test_an_owner_enrolls_a_team_and_writes_a_question(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    cast.program.enrollments.all().delete()
    base = live_server.url
    _sign_in(page, base, cast.owner)

    page.goto(f"{base}/programs/{cast.program.pk}/enrollments/new/")
    page.locator("#f-team").select_option(label="West 2")
    expect(page.locator("#candidates")).not_to_contain_text("Rita Rep")
    expect(page.locator("#candidates")).to_contain_text("Oscar Otherrep")
    page.get_by_label("Select all shown").check()
    expect(page.get_by_label("Oscar Otherrep")).to_be_checked()
    page.get_by_role("button", name="Enroll the people ticked").click()
    expect(page.locator(".flash")).to_contain_text("Enrolled 1.")
    assert list(cast.program.enrollments.values_list("person__name", flat=True)) == [
        "Oscar Otherrep"
    ]

    page.goto(f"{base}/refreshers/concepts/{cast.concept.pk}/questions/new/")
    page.get_by_label("Question").fill("What does an impact question ask?")
    page.get_by_label("Choice 1").fill("What the problem costs")
    page.get_by_label("Choice 2").fill("Who signs")
    page.get_by_label("Right answer").select_option(label="Choice 1")
    page.get_by_label("Explanation").fill("It puts a number on the problem.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-preview]")).to_contain_text("Who signs")
    assert not Question.objects.exists()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Question saved.")
    assert Question.objects.get().answer == "What the problem costs"
