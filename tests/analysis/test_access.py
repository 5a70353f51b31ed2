"""Who sees the impact analysis: executives, program owners, analysts and admins all of
it; managers and the trainer the effects without costs, budget, ROI or needs notes; reps
none of it; outsiders get 404."""

from __future__ import annotations

import pytest

from sustain.analysis.models import AnalysisRun
from sustain.analysis.services import analysis_run_create
from sustain.metrics.models import KpiDefinition
from sustain.orgs.models import Organization
from sustain.readiness import services as readiness_services
from tests.conftest import Api, Cast, Login

NOTE = "Commission is capped at 120% of quota"
# role: (page and API status, sees costs)
IMPACT = {
    "executive": (200, True),
    "owner": (200, True),
    "analyst": (200, True),
    "admin": (200, True),
    "manager": (200, False),
    "trainer": (200, False),
    "rep": (403, False),
    "outsider": (404, False),
}


@pytest.fixture
def run(cast: Cast, revenue: KpiDefinition) -> AnalysisRun:
    # The cast has one trained rep: lift the minimum group size out of the way here (the
    # suppression itself is tested below and in tests/orgs/test_privacy.py).
    Organization.objects.filter(pk=cast.org.pk).update(min_group_size=1)
    readiness_services.needs_factor_rate(
        program=cast.program, factor="compensation", rating="major", notes=NOTE
    )
    return analysis_run_create(program=cast.program, kpi=revenue, run_now=True)


@pytest.mark.parametrize(("role", "expected"), IMPACT.items())
def test_the_impact_page_shows_each_role_its_part(
    cast: Cast,
    revenue: KpiDefinition,
    run: AnalysisRun,
    login: Login,
    role: str,
    expected: tuple[int, bool],
) -> None:
    status, costs = expected
    page = login(cast.by_role(role)).get(f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/")
    assert page.status_code == status
    body = page.content.decode()
    if status == 200:
        assert 'id="att"' in body
        assert ('id="roi"' in body) == costs
        assert (NOTE in body) == costs
    program = login(cast.by_role(role)).get(f"/programs/{cast.program.pk}/")
    if program.status_code == 200:
        assert ('id="budget-share"' in program.content.decode()) == costs
        assert ("/analysis/programs/" in program.content.decode()) == (status == 200)


@pytest.mark.parametrize(("role", "expected"), IMPACT.items())
def test_the_impact_api_shows_each_role_its_part(
    cast: Cast, run: AnalysisRun, api: Api, role: str, expected: tuple[int, bool]
) -> None:
    status, costs = expected
    client = api(cast.by_role(role))
    detail = client.get(f"/analyses/{run.pk}")
    listed = client.get(f"/programs/{cast.program.pk}/analyses")
    assert (detail.status_code, listed.status_code) == (status, status)
    if status == 200:
        assert detail.json()["result"]["overall"]["att"] == pytest.approx(100)
        assert ("roi" in detail.json()["result"]) == costs
        # The list is slim: each run's result (and its ROI) only on the run itself.
        assert listed.json()["items"][0]["id"] == run.pk
        assert "result" not in listed.json()["items"][0]
    program = client.get(f"/programs/{cast.program.pk}")
    if program.status_code == 200:
        assert (program.json()["budget_workshop"] is not None) == costs
        assert (program.json()["reinforcement_share"] is not None) == costs


def test_the_trainer_reads_needs_ratings_without_the_notes(
    cast: Cast, run: AnalysisRun, api: Api
) -> None:
    rows = api(cast.trainer).get(f"/programs/{cast.program.pk}/needs").json()["items"]
    row = next(r for r in rows if r["factor"] == "compensation")
    assert (row["rating"], row["notes"]) == ("major", None)
    rows = api(cast.owner).get(f"/programs/{cast.program.pk}/needs").json()["items"]
    assert next(r for r in rows if r["factor"] == "compensation")["notes"] == NOTE


@pytest.mark.parametrize("role", ["manager", "trainer"])
def test_an_effect_from_fewer_than_k_reps_is_withheld_from_managers_and_the_trainer(
    cast: Cast,
    revenue: KpiDefinition,
    api: Api,
    login: Login,
    role: str,
) -> None:
    run = analysis_run_create(program=cast.program, kpi=revenue, run_now=True)
    person = cast.by_role(role)
    body = api(person).get(f"/analyses/{run.pk}").json()["result"]
    assert body["suppressed"] == "fewer than 5 reps" and "overall" not in body
    page = login(person).get(f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/")
    assert 'id="att"' not in page.content.decode() and "fewer than 5 reps" in page.content.decode()
    leader = api(cast.analyst).get(f"/analyses/{run.pk}").json()["result"]
    assert leader["overall"]["att"] == pytest.approx(100)
