"""The sensitivity to violations of parallel trends (HonestDiD) on the analysis page and API."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.analysis.models import AnalysisRun
from sustain.analysis.selectors import sensitivity_summary
from sustain.analysis.services import analysis_run_create
from sustain.metrics.models import KpiDefinition, KpiValue
from sustain.metrics.services import _ensure_kpis
from sustain.orgs.models import Role
from sustain.programs import services as program_services
from tests.conftest import Api, Cast, Login, make_person

START = dt.date(2026, 1, 5)


def _revenue(cast: Cast, lift: float) -> KpiDefinition:
    """40 reps over 14 weeks, 20 trained in week 6 gaining ``lift`` a week from then on."""
    rng = np.random.default_rng(3)
    kpi_id = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    rows = []
    for i in range(40):
        rep = make_person(cast.org, f"Rep {i}", Role.REP, team=cast.team)
        trained = i < 20
        if trained:
            enrollment = program_services.enrollment_create(program=cast.program, person=rep)
            enrollment.trained_on = START + dt.timedelta(weeks=6)
            enrollment.save(update_fields=["trained_on"])
        level = rng.normal(1000, 100)
        for week in range(14):
            gain = lift if trained and week >= 6 else 0.0
            value = level + 10 * week + gain + rng.normal(0, 20)
            rows.append(
                KpiValue(
                    rep=rep, period=START + dt.timedelta(weeks=week), kpi_id=kpi_id, value=value
                )
            )
    KpiValue.objects.bulk_create(rows)
    return cast.org.kpis.get(key="revenue")


def _page(login: Login, cast: Cast, kpi: KpiDefinition) -> str:
    page = login(cast.analyst).get(f"/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/")
    assert page.status_code == 200
    return page.content.decode()


def test_it_shows_how_robust_a_clear_effect_is(cast: Cast, login: Login) -> None:
    kpi = _revenue(cast, lift=100.0)
    run = analysis_run_create(
        program=cast.program, kpi=kpi, base_period="universal", cluster="rep", run_now=True
    )
    assert run.status == "done", run.message
    assert run.result is not None
    sens = run.result["sensitivity"]
    assert sens["type"] == "rm" and sens["e"] == "avg"
    assert [r["mbar"] for r in sens["rows"]] == [0, 0.5, 1, 1.5, 2]
    assert sens["breakdown_mbar"] > 1
    body = _page(login, cast, kpi)
    assert (
        "The average effect over the first 6 weeks after training stays significant unless "
        "post-training violations of parallel trends exceed M̄ = " in body
    )
    assert "times the largest pre-training one." in body
    assert 'id="sensitivity-rows"' in body and "excludes 0" in body
    assert "<tr><td>0.5</td><td>" in body


def test_it_says_when_the_effect_is_not_robust(cast: Cast, login: Login) -> None:
    kpi = _revenue(cast, lift=0.0)
    run = analysis_run_create(
        program=cast.program, kpi=kpi, base_period="universal", cluster="rep", run_now=True
    )
    assert run.status == "done", run.message
    assert run.result is not None
    assert run.result["sensitivity"]["breakdown_mbar"] is None
    body = _page(login, cast, kpi)
    assert "is not robust even to M̄ = 0" in body


def test_it_explains_why_there_is_no_sensitivity_without_the_universal_base_period(
    cast: Cast, login: Login
) -> None:
    kpi = _revenue(cast, lift=100.0)
    run = analysis_run_create(program=cast.program, kpi=kpi, cluster="rep", run_now=True)
    assert run.status == "done" and run.sensitivity == "rm"
    assert run.result is not None
    assert run.result["sensitivity"] is None
    body = _page(login, cast, kpi)
    assert "Not computed: the sensitivity analysis bounds every effect" in body
    assert "universal base period" in body


def test_it_runs_smoothness_from_the_api(
    cast: Cast, api: Api, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    kpi = _revenue(cast, lift=100.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast.analyst).post(
            f"/programs/{cast.program.pk}/analyses",
            {"kpi": kpi.pk, "base_period": "universal", "cluster": "rep", "sensitivity": "smooth"},
        )
    assert response.status_code == 201, response.content
    body = api(cast.analyst).get(f"/analyses/{response.json()['id']}").json()
    assert body["sensitivity"] == "smooth"
    assert body["result"]["sensitivity"]["type"] == "smooth"


@pytest.mark.parametrize("value", ["wiggly", "", 3])
def test_it_refuses_an_unknown_sensitivity(cast: Cast, api: Api, value: object) -> None:
    kpi = _revenue(cast, lift=100.0)
    response = api(cast.analyst).post(
        f"/programs/{cast.program.pk}/analyses", {"kpi": kpi.pk, "sensitivity": value}
    )
    assert response.status_code == 422
    assert AnalysisRun.objects.count() == 0


def test_the_page_form_offers_sensitivity_and_says_what_it_needs(cast: Cast, login: Login) -> None:
    kpi = _revenue(cast, lift=100.0)
    body = _page(login, cast, kpi)
    assert '<option value="rm" selected>Relative magnitudes (recommended)</option>' in body
    assert "runs only when pre-periods are compared with that period (universal)" in body
    # The page's defaults agree: the recommended sensitivity runs as offered.
    assert '<option value="universal" selected>' in body


def test_it_reads_older_runs_without_sensitivity() -> None:
    assert sensitivity_summary(result=None) is None
    assert sensitivity_summary(result={"overall": {"att": 1.0}}) is None
    assert sensitivity_summary(result={"sensitivity": None, "meta": {}}) is None
    broken = {
        "sensitivity": {
            "type": "rm",
            "e": "avg",
            "rows": [{"mbar": 0, "ci_low": None, "ci_high": 2.0}],
            "original": {"ci_low": None, "ci_high": None},
            "breakdown_mbar": None,
        }
    }
    summary = sensitivity_summary(result=broken)
    assert summary is not None and summary["rows"][0]["ci"] == "—"
    assert "not robust even to M̄ = 0" in summary["words"]


def test_a_retry_keeps_the_design_and_sensitivity(cast: Cast) -> None:
    from sustain.analysis.services import analysis_run_retry

    kpi_id = _ensure_kpis(cast.org, ["wins"])["wins"]
    failed = analysis_run_create(
        program=cast.program,
        kpi=cast.org.kpis.get(pk=kpi_id),
        base_period="universal",
        anticipation=1,
        cluster="rep",
        sensitivity="smooth",
        run_now=True,
    )
    assert failed.status == "failed"
    again = analysis_run_retry(run=failed, created_by=cast.analyst)
    assert (again.sensitivity, again.base_period, again.anticipation, again.cluster) == (
        "smooth",
        "universal",
        1,
        "rep",
    )


def test_it_gives_the_robust_intervals_in_the_kpis_unit() -> None:
    from sustain.metrics.models import KpiDefinition

    revenue = KpiDefinition(name="Revenue", unit="currency", currency="USD")
    result = {
        "sensitivity": {
            "type": "rm",
            "e": "avg",
            "rows": [{"mbar": 1, "ci_low": -1108.47, "ci_high": 3297.77}],
            "original": {"ci_low": 457.17, "ci_high": 1859.62},
            "breakdown_mbar": 0.21,
        }
    }
    summary = sensitivity_summary(result=result, kpi=revenue)
    assert summary is not None
    assert summary["original"] == "+$457 to +$1,860"
    assert summary["rows"][0]["ci"] == "\u2212$1,108 to +$3,298"


def test_it_writes_a_tiny_p_value_as_people_read_it() -> None:
    from sustain.web.templatetags.sustain_ui import pvalue

    assert [pvalue(p) for p in (4.5e-178, 0.0042, 0.347, None, float("nan"))] == [
        "< 0.001",
        "0.004",
        "0.35",
        "—",
        "—",
    ]
