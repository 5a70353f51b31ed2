"""Whatever is stored (huge values, ±Infinity, NaN) and however a run ended, the Impact
page, its progress fragment, the run form and the run history answer for every role."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from sustain.analysis import selectors
from sustain.analysis.models import AnalysisRun
from sustain.analysis.services import analysis_run_create
from sustain.demo.builder import LOGIN_ROLES
from sustain.metrics.models import KpiDefinition, KpiValue
from sustain.metrics.services import _ensure_kpis
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.programs.models import Enrollment, Program
from tests.conftest import Api, Cast, Login

ROLES = LOGIN_ROLES  # every role the demo prints a login for


def _expected(person: Person, program: Program) -> int:
    """Reps may not see the impact analysis at all (docs/access.md): a 403, never a 500."""
    return 200 if access.sees_impact(person, program) else 403


def _revenue(cast: Cast, odd: float) -> KpiDefinition:
    kpi_id = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    start = dt.date(2026, 1, 5)
    Enrollment.objects.filter(program=cast.program, person=cast.rep).update(
        trained_on=start + dt.timedelta(weeks=6)
    )
    KpiValue.objects.bulk_create(
        KpiValue(rep=rep, period=start + dt.timedelta(weeks=w), kpi_id=kpi_id, value=1000.0 + w)
        for w in range(12)
        for rep in (cast.rep, cast.other_rep)
    )
    KpiValue.objects.filter(kpi_id=kpi_id, rep=cast.rep, period=start).update(value=odd)
    return cast.org.kpis.get(pk=kpi_id)


@pytest.mark.parametrize("odd", [1e308, -1e308, 1e300])
def test_it_shows_a_run_over_huge_values_to_every_role(
    cast: Cast, login: Login, api: Api, odd: float
) -> None:
    kpi = _revenue(cast, odd)
    run = analysis_run_create(program=cast.program, kpi=kpi, run_now=True)
    page = f"/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/"
    for role in ROLES:
        person = cast.by_role(role)
        expected = _expected(person, cast.program)
        assert login(person).get(page).status_code == expected, role
        assert login(person).get(f"{page}?run={run.pk}").status_code == expected, role
        progress = login(person).get(f"{page}runs/{run.pk}/progress/")
        assert progress.status_code == expected, role
        listed = api(person).get(f"/programs/{cast.program.pk}/analyses")
        assert listed.status_code == expected, role
        json.loads(listed.content)  # strict JSON: no NaN, no Infinity
        assert api(person).get(f"/analyses/{run.pk}").status_code == expected, role


def test_it_shows_a_failed_run_where_the_result_would_be(cast: Cast, login: Login) -> None:
    kpi = _revenue(cast, 1.0)
    AnalysisRun.objects.create(
        program=cast.program, kpi=kpi, status="failed", progress=100, message="Outcome is inf"
    )
    page = f"/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/"
    for role in ROLES:
        person = cast.by_role(role)
        if not access.sees_impact(person, cast.program):
            assert login(person).get(page).status_code == 403, role
            continue
        body = login(person).get(page).content.decode()
        assert "Outcome is inf" in body, role
        assert ("Try again" in body) == access.can_run_analysis(person, cast.program), role


def test_it_shows_a_stored_result_with_nulls_and_non_finite_numbers(
    cast: Cast, login: Login, api: Api
) -> None:
    kpi = _revenue(cast, 1.0)
    nothing = {"att": None, "se": None, "ci_low": None, "ci_high": None}
    run = AnalysisRun.objects.create(
        program=cast.program,
        kpi=kpi,
        status="done",
        progress=100,
        result={
            "overall": nothing,
            "event_study": [{"e": 0, **nothing}],
            "meta": {"period_days": None, "n_trained": 1, "n_comparison": 1},
            "roi": {"roi": None, "ci": [None, None], "benefit": None, "cost": 1.0},
        },
    )
    page = f"/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/"
    for role in ROLES:
        person = cast.by_role(role)
        response = login(person).get(page)
        assert response.status_code == _expected(person, cast.program), role
        if response.status_code == 200:
            # Too few reps for those who may not see them one by one: withheld, not shown.
            shown = selectors.run_shown(person, run)
            said = "could not be estimated" if shown else "withheld"
            assert said in response.content.decode(), role


def test_it_stores_results_as_strict_json(cast: Cast) -> None:
    kpi = _revenue(cast, 1e308)
    run = analysis_run_create(program=cast.program, kpi=kpi, run_now=True)
    run.refresh_from_db()
    json.dumps(run.result, allow_nan=False)


@pytest.mark.parametrize("odd", [float("inf"), float("-inf"), float("nan")])
def test_it_reads_stored_non_finite_kpi_values_as_valid_json(
    cast: Cast, api: Api, odd: float
) -> None:
    if odd != odd and connection.vendor == "sqlite":
        pytest.skip("SQLite stores NaN as NULL, which the column refuses")
    kpi = _revenue(cast, 1.0)
    KpiValue.objects.filter(kpi=kpi, rep=cast.other_rep, period=dt.date(2026, 1, 12)).update(
        value=odd
    )
    values = api(cast.analyst).get(f"/kpis/{kpi.pk}/values")
    assert values.status_code == 200
    rows = json.loads(values.content)["items"]
    assert len(rows) == 23  # the non-finite one is left out
    means = api(cast.analyst).get(f"/kpis/{kpi.pk}/means")
    assert means.status_code == 200
    by_period = {r["period"]: r for r in json.loads(means.content)["items"]}
    assert by_period["2026-01-12"]["reps"] == 1
