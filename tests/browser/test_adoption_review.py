"""A manager works the adoption review queue; a rep sees only her own calls."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sustain.adoption.models import Call, Label
from sustain.programs.models import Concept
from tests.adoption.conftest import BUYER_ONLY_CALL, GOOD_CALL, discovery, vtt  # noqa: F401
from tests.adoption.test_services import make_call
from tests.browser.conftest import SignIn
from tests.conftest import Cast


def _calibration(page: Page, concept: Concept) -> str:
    return page.locator(f"#concept-{concept.pk} [data-testid=calibration]").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_manager_confirms_and_corrects_from_the_review_queue(
    cast: Cast,
    discovery: Concept,  # noqa: F811
    sign_in: SignIn,
    live_server: LiveServer,
) -> None:
    closing = cast.program.concepts.exclude(pk=discovery.pk).get()
    # Eight calls managers have already labeled (both concepts): two labels to go.
    for n in range(8):
        call = make_call(cast, GOOD_CALL if n % 2 else BUYER_ONLY_CALL, dt.date(2026, 10, n + 1))
        Label.objects.create(call=call, concept=discovery, used=bool(n % 2))
        Label.objects.create(call=call, concept=closing, used=False)
    make_call(cast, GOOD_CALL, dt.date(2026, 10, 20))
    make_call(cast, GOOD_CALL, dt.date(2026, 10, 21))

    page = sign_in(cast.manager.email)
    page.goto(f"{live_server.url}/adoption/program/{cast.program.pk}/")
    queue = page.locator("#review-queue a")
    assert queue.count() == 2
    first, second = queue.nth(0).get_attribute("href"), queue.nth(1).get_attribute("href")

    # Confirm: the detector saw the discovery question, and it is right.
    page.goto(f"{live_server.url}{first}")
    row = page.locator(f"#concept-{discovery.pk}")
    assert row.get_by_text("used", exact=True).is_visible()
    assert "8 of 10 labels" in row.inner_text()
    row.get_by_role("button", name="Used", exact=True).click()
    page.locator(f"#concept-{discovery.pk} [data-testid=label]").wait_for()
    assert "9 of 10 labels" in page.locator(f"#concept-{discovery.pk}").inner_text()
    assert "not yet calibrated" in _calibration(page, discovery)

    # Correct: on the other call the manager says it was not a use.
    page.goto(f"{live_server.url}{second}")
    page.locator(f"#concept-{discovery.pk}").get_by_role(
        "button", name="Not used", exact=True
    ).click()
    page.locator(f"#concept-{discovery.pk} [data-testid=label]").wait_for()
    figures = _calibration(page, discovery)
    assert "(10 labels, cross-validated)" in figures
    assert "precision" in figures and "κ" in figures
    assert page.locator(f"#concept-{discovery.pk} [data-testid=label]").inner_text() == "not used"
    assert Label.objects.filter(concept=discovery).count() == 10


@pytest.mark.django_db(transaction=True)
def test_a_rep_sees_only_her_own_calls(
    cast: Cast,
    discovery: Concept,  # noqa: F811
    sign_in: SignIn,
    live_server: LiveServer,
) -> None:
    mine = make_call(cast, GOOD_CALL, dt.date(2026, 10, 2))
    cast.other_rep.enrollments.filter(program=cast.program).update(trained_on=dt.date(2026, 9, 1))
    theirs = make_call(
        cast,
        vtt(("Oscar Otherrep", "What is your biggest challenge?"), ("Bob Buyer", "Hiring.")),
        dt.date(2026, 10, 3),
        rep=cast.other_rep,
    )
    page = sign_in(cast.rep.email)
    page.goto(f"{live_server.url}/adoption/program/{cast.program.pk}/")
    calls = page.locator("#calls")
    assert calls.get_by_role("link", name="Rita Rep").count() == 1
    assert page.get_by_text("Oscar Otherrep").count() == 0
    page.goto(f"{live_server.url}/adoption/calls/{mine.pk}/")
    assert page.get_by_role("heading", name="Call of Rita Rep").is_visible()
    assert page.get_by_role("button", name="Used", exact=True).count() == 0  # no self-labeling
    response = page.goto(f"{live_server.url}/adoption/calls/{theirs.pk}/")
    assert response is not None and response.status == 404
    assert Call.objects.count() == 2
