from __future__ import annotations

import pytest

from sustain.analysis.models import AnalysisRun
from sustain.analysis.services import analysis_run_create
from sustain.metrics.services import _ensure_kpis


def test_it_estimates_the_effect_with_roi(cast, revenue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_create(program=cast.program, kpi=revenue)
    run.refresh_from_db()
    assert run.status == "done", run.message
    assert run.result["overall"]["att"] == pytest.approx(100)
    assert run.result["roi"]["treated_periods"] == 6


def test_it_fails_clearly_without_data(cast):
    kpi_id = _ensure_kpis(cast.org, ["wins"])["wins"]
    run = analysis_run_create(program=cast.program, kpi=cast.org.kpis.get(pk=kpi_id), run_now=True)
    assert run.status == "failed" and "No values" in run.message


def test_it_shows_the_page_with_chart_and_kirkpatrick(cast, revenue, login):
    analysis_run_create(program=cast.program, kpi=revenue, run_now=True)
    page = login(cast.analyst).get(f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-spec-id="event-study-spec"' in body and "not measured yet" in body
    assert "Return on investment" in body
    assert "event-study test with a small-sample F" in body
    assert "Average over the periods since training: <strong>100.00</strong>" in body


def test_it_runs_from_the_page_for_an_analyst_only(
    cast, revenue, login, django_capture_on_commit_callbacks
):
    url = f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/run/"
    assert login(cast.rep).post(url, {"control": "never"}).status_code == 403
    assert AnalysisRun.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.analyst).post(url, {"control": "never", "by": "region"})
    assert response.status_code == 302
    assert AnalysisRun.objects.get().status == "done"


def test_it_hides_analyses_from_outsiders(cast, revenue, api, login):
    run = analysis_run_create(program=cast.program, kpi=revenue, run_now=True)
    assert api(cast.outsider).get(f"/analyses/{run.pk}").status_code == 404
    assert (
        api(cast.outsider)
        .post(f"/programs/{cast.program.pk}/analyses", {"kpi": revenue.pk})
        .status_code
        == 404
    )
    assert (
        login(cast.outsider)
        .get(f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/")
        .status_code
        == 404
    )
    assert api(cast.trainer).get(f"/analyses/{run.pk}").status_code == 200
    assert (
        api(cast.trainer)
        .post(f"/programs/{cast.program.pk}/analyses", {"kpi": revenue.pk})
        .status_code
        == 403
    )


def test_it_rejects_an_unknown_split(cast, revenue, api):
    response = api(cast.analyst).post(
        f"/programs/{cast.program.pk}/analyses", {"kpi": revenue.pk, "by": "shoe_size"}
    )
    assert response.status_code == 400 and AnalysisRun.objects.count() == 0
