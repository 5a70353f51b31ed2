"""In the browser: a progress fragment stops polling when its job fails, shows why, and
"Try again" starts the job again."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest
from pyarrow.lib import ArrowInvalid
from pytest_django.live_server_helper import LiveServer

from sustain.analysis.models import AnalysisRun
from sustain.metrics import importer
from sustain.metrics.services import _ensure_kpis
from tests.browser.conftest import SignIn
from tests.conftest import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_stops_polling_a_failed_analysis_and_tries_again(
    cast: Cast, sign_in: SignIn, live_server: LiveServer
) -> None:
    kpi = cast.org.kpis.get(pk=_ensure_kpis(cast.org, ["revenue"])["revenue"])
    run = AnalysisRun.objects.create(program=cast.program, kpi=kpi, status="running", progress=40)
    page = sign_in(cast.analyst.email)
    page.goto(f"{live_server.url}/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/")
    page.wait_for_selector("#run-progress[data-poll]")
    assert "40%" in page.inner_text("#run-progress")

    # The worker dies; the reaper fails the run. The page notices on its next poll.
    AnalysisRun.objects.filter(pk=run.pk).update(
        status="failed", progress=100, message="The analysis stopped: the worker was restarted."
    )
    page.wait_for_selector("#run-failed", timeout=10_000)
    assert "worker was restarted" in page.inner_text("#run-failed")
    assert page.query_selector("[data-poll]") is None

    page.click("#run-failed button")  # Try again: no KPI values, so it fails again, clearly
    page.wait_for_selector("#run-failed")
    assert "No values of Revenue" in page.inner_text("#run-failed")
    assert AnalysisRun.objects.count() == 2
    assert page.inner_text("#history").count("Failed") == 2


def test_it_shows_an_import_that_broke_as_failed_with_try_again(
    cast: Cast,
    sign_in: SignIn,
    live_server: LiveServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*args: object, **kwargs: object) -> NoReturn:
        raise ArrowInvalid("Parquet magic bytes not found in footer")

    monkeypatch.setattr(importer, "parse_file", explode)  # what no one planned for
    fake = tmp_path / "panel.parquet"
    fake.write_bytes(b"PAR1")
    page = sign_in(cast.analyst.email)
    page.goto(f"{live_server.url}/metrics/import/")
    page.set_input_files("input[name=file]", str(fake))
    page.select_option("select[name=source]", "panel")
    page.click("main button[type=submit]")
    page.wait_for_selector("#job-error")
    assert page.inner_text("#job-state") == "Rejected"  # the label of the failed status
    assert "could not be read" in page.inner_text("#job-error")
    assert page.query_selector("#job-status[hx-get]") is None
    assert page.is_visible("text=Try again")
