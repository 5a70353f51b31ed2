"""The rep's and manager's pages at a phone's width (390 px): nothing wider than the
screen, so nothing needs a sideways scroll."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import SignIn
from tests.conftest import Cast

PHONE: ViewportSize = {"width": 390, "height": 844}


def _pages_in_nav(page: Page, live_server: LiveServer) -> list[str]:
    hrefs = page.eval_on_selector_all("nav a[href^='/']", "links => links.map(a => a.href)")
    return sorted({h for h in hrefs if h.startswith(live_server.url)})


def _overflowing(page: Page, url: str) -> tuple[int, str] | None:
    response = page.goto(url)
    assert response is not None and response.ok, url
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width <= PHONE["width"]:
        return None
    widest = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 390)
            .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5).join(' ')"""
    )
    return width, widest


@pytest.fixture
def trained(cast: Cast) -> Cast:
    from sustain.plans.services import plans_generate
    from sustain.programs.models import Enrollment

    Enrollment.objects.filter(program=cast.program).update(
        trained_on=dt.date.today() - dt.timedelta(days=30)
    )
    plans_generate(program=cast.program)
    return cast


def _their_other_pages(cast: Cast, who: str) -> list[str]:
    """Pages a person reaches from the sidebar's pages: the program, and for a manager
    her certification, her team, her rep and the observation form."""
    program = f"/programs/{cast.program.pk}/"
    pages = [program]
    if who == "manager":
        rep = cast.rep.pk
        pages += [
            f"/certification/program/{cast.program.pk}/",
            f"/teams/{cast.team.pk}/",
            f"/people/{rep}/",
            f"/coaching/reps/{rep}/",
            f"/coaching/reps/{rep}/observe/",
        ]
    return pages


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["rep", "manager"])
def test_their_pages_fit_a_phone(
    trained: Cast, who: str, sign_in: SignIn, live_server: LiveServer, page: Page
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(trained.by_role(who).email)
    urls = _pages_in_nav(page, live_server)
    assert len(urls) >= 4
    urls += [live_server.url + path for path in _their_other_pages(trained, who)]
    wide = {url: w for url in urls if (w := _overflowing(page, url))}
    assert not wide, wide
