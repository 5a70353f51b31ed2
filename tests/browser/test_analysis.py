"""An analyst imports a Salesforce export, then reads the program's analysis page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sustain.analysis.services import analysis_run_create
from sustain.metrics.models import KpiValue
from sustain.metrics.services import _ensure_kpis
from sustain.programs.models import Enrollment
from tests.conftest import PASSWORD, Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_imports_a_salesforce_export_and_reads_the_analysis(
    cast: Cast, page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    export = tmp_path / "opportunities.csv"
    export.write_text(
        "Opportunity Owner,Owner Email,Stage,Amount,Close Date,Created Date\n"
        f"Rita Rep,{cast.rep.email},Closed Won,1000,2026-03-02,2026-02-01\n"
    )
    start = dt.date(2026, 1, 5)
    kpi_id = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    Enrollment.objects.filter(person=cast.rep).update(trained_on=start + dt.timedelta(weeks=4))
    KpiValue.objects.bulk_create(
        [
            KpiValue(
                rep=rep,
                period=start + dt.timedelta(weeks=w),
                kpi_id=kpi_id,
                value=1000 + (100 if rep == cast.rep and w >= 4 else 0) + w,
            )
            for w in range(8)
            for rep in (cast.rep, cast.other_rep)
        ]
    )
    analysis_run_create(program=cast.program, kpi=cast.org.kpis.get(pk=kpi_id), run_now=True)

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", cast.analyst.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/metrics/import/")
    page.set_input_files("input[name=file]", str(export))
    page.select_option("select[name=source]", "salesforce")
    page.click("main button[type=submit]")
    page.wait_for_selector("#job-state")
    page.wait_for_function("!document.querySelector('#job-status[hx-get]')")
    assert page.inner_text("#job-state") == "Done", page.inner_text("#job-status")

    page.goto(f"{live_server.url}/programs/{cast.program.pk}/")
    page.click("text=Impact analysis")
    page.wait_for_selector("#kirkpatrick")
    page.wait_for_selector("#event-study svg")
    # Levels 1-3 are computed in the background on a first view: the card says so and
    # fills itself in when they are ready, without a reload.
    expect(page.locator("#kirkpatrick")).to_contain_text("not measured yet", timeout=15_000)
    assert not page.locator("#kirkpatrick[hx-trigger]").count()
    assert page.inner_text("#roi").startswith("Return on investment")
