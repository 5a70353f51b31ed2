"""Every role's main pages pass the Content-Security-Policy: no inline script or style,
no eval, and the charts still draw (Vega runs through vega-interpreter)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sustain.analysis.services import analysis_run_create
from sustain.demo.builder import LOGIN_ROLES
from sustain.metrics.models import KpiValue
from sustain.metrics.services import _ensure_kpis
from sustain.programs.models import Enrollment
from tests.browser.conftest import SignIn
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = LOGIN_ROLES  # every role the demo prints a login for
# Collected by the page itself: the browser fires this event for each blocked resource.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
CHARTS_SETTLED = """
() => [...document.querySelectorAll(".chart")].every((c) => c.querySelector("svg") || c.textContent)
"""


def _with_an_analysis(cast: Cast) -> None:
    """KPI values and an analysis run, so the impact page has a chart to draw."""
    start = dt.date(2026, 1, 5)
    kpi_id = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    Enrollment.objects.filter(person=cast.rep).update(trained_on=start + dt.timedelta(weeks=4))
    KpiValue.objects.bulk_create(
        KpiValue(rep=rep, period=start + dt.timedelta(weeks=w), kpi_id=kpi_id, value=1000 + w)
        for w in range(8)
        for rep in (cast.rep, cast.other_rep)
    )
    analysis_run_create(program=cast.program, kpi=cast.org.kpis.get(pk=kpi_id), run_now=True)


def _main_pages(page: Page, live_server: LiveServer, cast: Cast) -> list[str]:
    """The sidebar's links, the API tokens page, the program and its tabs."""
    links = [a.get_attribute("href") for a in page.locator("aside nav a").all()]
    page.goto(f"{live_server.url}/programs/{cast.program.pk}/")
    tabs = [a.get_attribute("href") for a in page.locator("nav.tabs a").all()]
    urls = ["/", "/tokens/", f"/programs/{cast.program.pk}/", *links, *tabs]
    return [u for u in dict.fromkeys(urls) if u and u.startswith("/") and "/admin/" not in u]


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_passes_the_policy(
    cast: Cast, sign_in: SignIn, live_server: LiveServer, role: str
) -> None:
    _with_an_analysis(cast)
    page = sign_in(cast.by_role(role).email)
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Security Policy" in m.text else None)
    charts = 0
    for url in _main_pages(page, live_server, cast):
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_function(CHARTS_SETTLED, timeout=15_000)
        for chart in page.locator(".chart").all():
            assert chart.locator("svg").count() == 1, f"{url}: {chart.inner_text()}"
            charts += 1
        assert page.evaluate("window.__cspViolations") == [], url
    assert console == []
    if role in ("executive", "owner", "analyst", "admin"):
        assert charts > 0, "the impact page's chart was not among the pages"


def test_it_would_notice_a_violation(cast: Cast, sign_in: SignIn, live_server: LiveServer) -> None:
    page = sign_in(cast.rep.email)
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/tokens/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_function("window.__cspViolations.length > 0")
