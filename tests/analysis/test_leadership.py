"""The leadership view and report: effects in the KPI's unit and words, one count of
trained and comparison reps on every page, the report as a page and a PDF."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from sustain.analysis.services import analysis_run_create
from sustain.health.models import HealthDay
from sustain.health.services import health_run_day
from sustain.metrics.models import KpiDefinition
from sustain.programs import services as program_services
from sustain.programs.models import Enrollment
from sustain.programs.selectors import measurement_groups
from sustain.readiness.checks import readiness_for
from tests.conftest import Api, Cast, Login, Response, make_person


@pytest.fixture
def groups(cast: Cast, revenue: KpiDefinition) -> KpiDefinition:
    """The manager trained too (not a rep: not counted), a second trained rep without KPI
    values and a third rep never enrolled: 2 trained reps, 2 comparison reps."""
    revenue.currency = "USD"
    revenue.save()
    Enrollment.objects.filter(program=cast.program, person=cast.manager).update(
        trained_on=dt.date(2026, 2, 1)
    )
    late = make_person(cast.org, "Lea Late", "rep", team=cast.team)
    program_services.enrollment_create(program=cast.program, person=late)
    Enrollment.objects.filter(person=late).update(trained_on=dt.date(2026, 2, 16))
    make_person(cast.org, "Nina New", "rep", team=cast.other_team)
    analysis_run_create(program=cast.program, kpi=revenue, run_now=True)
    return revenue


def test_it_counts_trained_and_comparison_reps_once(cast: Cast, groups: KpiDefinition) -> None:
    g = measurement_groups(program=cast.program)
    assert (g.n_trained, g.n_comparison) == (2, 2)


def test_every_page_shows_the_same_counts(
    cast: Cast, groups: KpiDefinition, login: Login, api: Api
) -> None:
    client = login(cast.executive)
    pages = {
        "program": client.get(f"/programs/{cast.program.pk}/"),
        "analysis": client.get(f"/analysis/programs/{cast.program.pk}/kpis/{groups.pk}/"),
        "report": client.get(f"/analysis/programs/{cast.program.pk}/report/"),
    }
    for name, page in pages.items():
        body = re.sub(r"\s+", " ", page.content.decode())
        assert page.status_code == 200, name
        assert re.search(r"2 (/|trained reps against) 2", body), name
    home = re.sub(r"\s+", " ", client.get("/").content.decode())
    assert "2 trained reps · 2 comparison reps" in home
    check = next(i for i in readiness_for(cast.program).items if i.key == "control_group_plan")
    assert check.detail.startswith("2 trained reps against 2 comparison reps")
    assert "No comparison group" not in check.detail


def test_the_analysis_page_says_the_effect_in_the_kpis_unit(
    cast: Cast, groups: KpiDefinition, login: Login
) -> None:
    body = login(cast.analyst).get(f"/analysis/programs/{cast.program.pk}/kpis/{groups.pk}/")
    text = body.content.decode()
    assert "+$100 Revenue per rep per week since training" in text
    assert "average effect per rep-" not in text
    assert "1 trained reps have no Revenue values" in text


def test_the_executive_home_answers_did_it_work_first(
    cast: Cast, groups: KpiDefinition, login: Login
) -> None:
    body = login(cast.executive).get("/").content.decode()
    assert body.index("Did it work?") < body.index("<h2>Programs")
    assert "+$100 Revenue per rep per week since training" in body
    assert "ROI" in body


def test_reps_and_managers_get_no_leadership_panel(
    cast: Cast, groups: KpiDefinition, login: Login
) -> None:
    for person in (cast.rep, cast.manager):
        assert "leadership-panel" not in login(person).get("/").content.decode()


def test_the_report_withholds_costs_and_small_groups_from_a_manager(
    cast: Cast, groups: KpiDefinition, login: Login
) -> None:
    body = login(cast.manager).get(f"/analysis/programs/{cast.program.pk}/report/")
    text = body.content.decode()
    assert body.status_code == 200
    assert "withheld" in text and "+$100" not in text and "ROI" not in text
    assert 'id="readiness"' not in text


def test_the_report_pdf_has_the_numbers(cast: Cast, groups: KpiDefinition, api: Api) -> None:
    response = api(cast.executive).get(f"/programs/{cast.program.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    assert len(pdf.pages) >= 1
    assert "+$100 Revenue per rep per week since training" in text
    assert "2 trained reps against 2 comparison reps" in text
    assert "ROI" in text and "Kirkpatrick" in text and "What to do next" in text
    assert "chart not available" not in text and "day 120" in text  # the chart is drawn


def test_the_report_tells_the_follow_through_health_itself(
    cast: Cast, groups: KpiDefinition, api: Api, login: Login
) -> None:
    path = f"/programs/{cast.program.pk}/report.pdf"
    before = _pdf_text(api(cast.executive).get(path))
    assert "Follow-through health: not computed yet." in before
    health_run_day(program=cast.program, day=dt.date.today())
    row = HealthDay.objects.get(program=cast.program, level="program")
    weak = next(s for s in row.explained if s["status"] != "ok")
    text = _pdf_text(api(cast.executive).get(path))
    assert f"Follow-through health: {row.score}/100 on {row.day}." in text
    assert re.sub(r"\s+", " ", str(weak["detail"])) in text
    page = login(cast.executive).get(f"/analysis{path[: -len('.pdf')]}/").content.decode()
    assert f"<strong>{row.score}/100</strong>" in page


def _pdf_text(response: Response) -> str:
    pdf = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))


def test_the_report_is_for_leaders_only(
    cast: Cast, groups: KpiDefinition, api: Api, login: Login
) -> None:
    path = f"/programs/{cast.program.pk}/report.pdf"
    assert api(cast.outsider).get(path).status_code == 404
    assert api(cast.rep).get(path).status_code == 403
    assert login(cast.rep).get(f"/analysis{path}").status_code == 403


def _queries(client: Client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_leadership_pages_cost_the_same_queries_at_two_sizes(
    cast: Cast, groups: KpiDefinition, login: Login
) -> None:
    client = login(cast.executive)
    pages = ["/", f"/analysis/programs/{cast.program.pk}/report/"]
    for p in pages:  # warm: the first view asks for the Kirkpatrick summary once
        client.get(p)
    small = [_queries(client, p) for p in pages]
    for i in range(40):
        rep = make_person(cast.org, f"Rep {i}", "rep", team=cast.team)
        program_services.enrollment_create(program=cast.program, person=rep)
    Enrollment.objects.filter(program=cast.program).update(trained_on=dt.date(2026, 2, 2))
    analysis_run_create(program=cast.program, kpi=groups, run_now=True)
    assert [_queries(client, p) for p in pages] == small


def test_it_says_where_the_effect_holds_and_where_it_fades() -> None:
    from sustain.analysis.leadership import _faded_at, _fades

    def week(e: int, low: float, high: float) -> dict[str, float]:
        return {"e": e, "att": (low + high) / 2, "ci_low": low, "ci_high": high}

    coached = [week(e, 50, 150) for e in range(0, 20)]
    lapsed = [week(e, 50, 150) for e in range(0, 10)] + [week(e, -50, 60) for e in range(10, 20)]
    assert [f.state for f in _fades(coached, 7)] == ["holding", "holding"]
    assert [f.state for f in _fades(lapsed, 7)] == ["no clear effect", "no clear effect"]
    assert _faded_at(lapsed, 7) == 70 and _faded_at(coached, 7) is None
    assert [f.state for f in _fades(coached[:5], 7)] == ["not observed yet"] * 2


def test_the_api_gives_the_same_answer(cast: Cast, groups: KpiDefinition, api: Api) -> None:
    body = api(cast.executive).get(f"/programs/{cast.program.pk}/leadership").json()
    assert (body["trained_reps"], body["comparison_reps"]) == (2, 2)
    goal = body["goals"][0]
    assert goal["words"] == "+$100 Revenue per rep per week since training"
    assert goal["currency"] == "USD" and goal["roi"]["cost"] == "$130,000"
    manager = api(cast.manager).get(f"/programs/{cast.program.pk}/leadership").json()
    assert manager["goals"] == [] and manager["withheld"] == ["Revenue"]
    assert api(cast.rep).get(f"/programs/{cast.program.pk}/leadership").status_code == 403
    assert api(cast.outsider).get(f"/programs/{cast.program.pk}/leadership").status_code == 404
