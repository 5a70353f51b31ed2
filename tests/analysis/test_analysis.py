from __future__ import annotations

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.analysis.models import AnalysisRun
from sustain.analysis.services import (
    analysis_run_create,
    analysis_run_execute,
    kirkpatrick_refresh,
)
from sustain.metrics.models import KpiDefinition
from sustain.metrics.services import _ensure_kpis
from tests.conftest import Api, Cast, Login


def test_it_estimates_the_effect_with_roi(
    cast: Cast,
    revenue: KpiDefinition,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = analysis_run_create(program=cast.program, kpi=revenue)
    run.refresh_from_db()
    assert run.status == "done", run.message
    assert run.result is not None
    assert run.result["overall"]["att"] == pytest.approx(100)
    assert run.result["roi"]["treated_periods"] == 6


def test_it_fails_clearly_without_data(cast: Cast) -> None:
    kpi_id = _ensure_kpis(cast.org, ["wins"])["wins"]
    run = analysis_run_create(program=cast.program, kpi=cast.org.kpis.get(pk=kpi_id), run_now=True)
    assert run.status == "failed" and "No values" in run.message


def test_it_shows_the_page_with_chart_and_kirkpatrick(
    cast: Cast, revenue: KpiDefinition, login: Login
) -> None:
    analysis_run_create(program=cast.program, kpi=revenue, run_now=True)
    kirkpatrick_refresh(program=cast.program)
    page = login(cast.analyst).get(f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-spec-id="event-study-spec"' in body and "not measured yet" in body
    assert "Return on investment" in body
    assert "event-study test with a small-sample F" in body
    assert "Average over the periods since training: <strong>100.00</strong>" in body


def test_it_runs_from_the_page_for_an_analyst_only(
    cast: Cast,
    revenue: KpiDefinition,
    login: Login,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    url = f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/run/"
    assert login(cast.rep).post(url, {"control": "never"}).status_code == 403
    assert AnalysisRun.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.analyst).post(url, {"control": "never", "by": "region"})
    assert response.status_code == 302
    assert AnalysisRun.objects.get().status == "done"


def test_it_hides_analyses_from_outsiders(
    cast: Cast, revenue: KpiDefinition, api: Api, login: Login
) -> None:
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


def test_it_rejects_an_unknown_split(cast: Cast, revenue: KpiDefinition, api: Api) -> None:
    response = api(cast.analyst).post(
        f"/programs/{cast.program.pk}/analyses", {"kpi": revenue.pk, "by": "shoe_size"}
    )
    assert response.status_code == 400 and AnalysisRun.objects.count() == 0


def test_it_runs_with_design_options_from_the_api(
    cast: Cast, revenue: KpiDefinition, api: Api
) -> None:
    response = api(cast.analyst).post(
        f"/programs/{cast.program.pk}/analyses",
        {"kpi": revenue.pk, "cluster": "rep", "anticipation": 1, "base_period": "universal"},
    )
    assert response.status_code == 201, response.content
    run = analysis_run_execute(run=AnalysisRun.objects.get())
    assert run.status == "done", run.message
    body = api(cast.analyst).get(f"/analyses/{run.pk}").json()
    assert body["cluster"] == "rep" and body["anticipation"] == 1
    assert body["result"]["anticipation"] == 1 and body["result"]["base_period"] == "universal"
    assert set(body["result"]["dynamic_overall"]) == {"att", "se", "ci_low", "ci_high"}


def test_it_fails_clearly_when_a_covariate_separates_the_reps(
    cast: Cast, revenue: KpiDefinition, api: Api
) -> None:
    # One trained and one untrained rep with different tenure: no overlap to compare.
    response = api(cast.analyst).post(
        f"/programs/{cast.program.pk}/analyses", {"kpi": revenue.pk, "covariates": ["tenure"]}
    )
    run = analysis_run_execute(run=AnalysisRun.objects.get(pk=response.json()["id"]))
    assert run.status == "failed" and "propensity score" in run.message
    assert run.covariates == ["tenure"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"covariates": ["shoe_size"]}, "shoe_size"), ({"anticipation": 99}, "anticipation")],
)
def test_it_rejects_bad_design_options(
    cast: Cast, revenue: KpiDefinition, api: Api, change: dict[str, object], field: str
) -> None:
    response = api(cast.analyst).post(
        f"/programs/{cast.program.pk}/analyses", {"kpi": revenue.pk, **change}
    )
    assert response.status_code in (400, 422) and field in response.content.decode()
    assert AnalysisRun.objects.count() == 0


def test_it_clusters_by_team_by_default_and_says_when_teams_are_too_few(
    cast: Cast,
    revenue: KpiDefinition,
    login: Login,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    url = f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/"
    form = {"control": "never", "cluster": "team", "anticipation": 0, "base_period": "varying"}
    with django_capture_on_commit_callbacks(execute=True):
        assert login(cast.analyst).post(url + "run/", form).status_code == 302
    run = AnalysisRun.objects.get()
    assert run.status == "done" and run.cluster == "team"
    body = login(cast.analyst).get(url).content.decode()
    assert "too few to cluster by; standard errors are per rep" in body
    assert 'name="covariates"' in body and 'name="anticipation"' in body
