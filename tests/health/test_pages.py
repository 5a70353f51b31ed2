from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sustain.health import charts, services
from sustain.health.models import Alert, HealthSettings
from tests.conftest import Cast, Login
from tests.health.conftest import grow, observe


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("page", ["health:program", "health:fade"])
def test_it_costs_the_same_queries_at_two_organization_sizes(
    trained: Cast, today: dt.date, login: Login, page: str
) -> None:
    from django.urls import reverse

    url = reverse(page, args=[trained.program.pk])
    client = login(trained.owner)
    grow(trained, teams=2, reps_per_team=3, day=today)
    services.health_run_day(program=trained.program, day=today)
    small = _queries(client, url)
    grow(trained, teams=12, reps_per_team=8, day=today)
    services.health_run_day(program=trained.program, day=today)
    assert _queries(client, url) == small


def test_it_costs_the_same_queries_for_the_alerts_page_at_two_sizes(
    trained: Cast, today: dt.date, login: Login
) -> None:
    client = login(trained.owner)
    grow(trained, teams=2, reps_per_team=2, day=today, coached=False)
    services.health_run_day(program=trained.program, day=today)
    small = _queries(client, "/alerts/")
    grow(trained, teams=15, reps_per_team=2, day=today, coached=False)
    services.health_run_day(program=trained.program, day=today)
    assert Alert.objects.count() > 10
    assert _queries(client, "/alerts/") == small


def test_it_shows_the_program_health_explained(trained: Cast, today: dt.date, login: Login) -> None:
    observe(trained, trained.rep, trained.manager, today)
    services.health_run_day(program=trained.program, day=today)
    page = login(trained.owner).get(f"/health/program/{trained.program.pk}/").content.decode()
    assert 'data-testid="program-score"' in page
    assert "Observe the overdue reps" in page and "West 2" in page


def test_it_says_when_health_has_not_been_computed(trained: Cast, login: Login) -> None:
    page = login(trained.owner).get(f"/health/program/{trained.program.pk}/").content.decode()
    assert "Not computed yet" in page


def test_it_hides_the_health_page_from_an_outsider(trained: Cast, login: Login) -> None:
    assert login(trained.outsider).get(f"/health/program/{trained.program.pk}/").status_code == 404
    assert (
        login(trained.outsider).get(f"/health/program/{trained.program.pk}/fade/").status_code
        == 404
    )


def test_it_draws_the_fade_with_days_90_and_120(
    trained: Cast, today: dt.date, login: Login
) -> None:
    services.health_run_day(program=trained.program, day=today)
    response = login(trained.owner).get(f"/health/program/{trained.program.pk}/fade/")
    spec = response.context["spec"]
    labels = [m["label"] for m in spec["layer"][1]["data"]["values"]]
    assert labels[:2] == ["day 90", "day 120"]
    assert any(p["series"] == "Health (0-100)" for p in spec["layer"][0]["data"]["values"])
    assert "vega-lite.min.js" in response.content.decode()


def test_it_marks_where_follow_through_fell(trained: Cast, today: dt.date) -> None:
    from sustain.health import selectors

    trained.program.enrollments.update(trained_on=today - dt.timedelta(days=70))
    for days_after in (1, 2, 8, 9, 15):
        observe(trained, trained.rep, trained.manager, today - dt.timedelta(days=70 - days_after))
    data = selectors.fade(program=trained.program, today=today)
    assert data is not None
    assert data["fell_day"] == 21


def test_it_puts_the_effect_curve_on_the_same_axis(trained: Cast, today: dt.date) -> None:
    from sustain.analysis.models import AnalysisRun
    from sustain.health import selectors
    from sustain.metrics.models import KpiDefinition

    kpi = KpiDefinition.objects.create(organization=trained.org, name="Revenue")
    AnalysisRun.objects.create(
        program=trained.program,
        kpi=kpi,
        status="done",
        result={
            "meta": {"period_days": 7},
            "event_study": [{"e": -1, "att": 0.0}, {"e": 0, "att": 10.0}, {"e": 13, "att": 2.0}],
        },
    )
    data = selectors.fade(program=trained.program, today=today)
    assert data is not None
    assert data["effect"] == [{"day": 0.0, "att": 10.0}, {"day": 91.0, "att": 2.0}]
    assert charts.fade_spec(data)["layer"][-1]["encoding"]["y"]["title"] == "effect on Revenue"


def test_it_saves_settings_from_the_page(trained: Cast, login: Login) -> None:
    client = login(trained.owner)
    form = client.get(f"/health/program/{trained.program.pk}/settings/").context["form"]
    data = {k: ("on" if v is True else v) for k, v in form.initial.items() if v is not False}
    data["refresher_max_interval_days"] = 30
    data["s-coaching_cadence-ok"] = 7
    response = client.post(f"/health/program/{trained.program.pk}/settings/", data)
    assert response.status_code == 302
    settings = HealthSettings.objects.get(program=trained.program)
    assert settings.refresher_max_interval_days == 30
    assert settings.signals["coaching_cadence"]["ok"] == 7


def test_it_shows_errors_on_the_settings_page_and_changes_nothing(
    trained: Cast, login: Login
) -> None:
    client = login(trained.owner)
    form = client.get(f"/health/program/{trained.program.pk}/settings/").context["form"]
    data = {k: ("on" if v is True else v) for k, v in form.initial.items() if v is not False}
    data["s-coaching_coverage-ok"] = 0.1  # below its bad threshold
    response = client.post(f"/health/program/{trained.program.pk}/settings/", data)
    assert response.status_code == 400
    assert "ok threshold must be above" in response.content.decode()
    assert not HealthSettings.objects.filter(program=trained.program).exists()


def test_it_refuses_the_settings_page_to_a_manager(trained: Cast, login: Login) -> None:
    client = login(trained.manager)
    assert client.post(f"/health/program/{trained.program.pk}/settings/", {}).status_code == 403


def test_it_acknowledges_and_snoozes_from_the_alerts_page(
    trained: Cast, today: dt.date, login: Login
) -> None:
    services.health_run_day(program=trained.program, day=today)
    first, second = Alert.objects.order_by("pk")
    client = login(trained.owner)
    assert client.post(f"/alerts/{first.pk}/ack/").status_code == 302
    response = client.post(f"/alerts/{second.pk}/snooze/", {"until": str(today)})
    assert response.status_code == 400 and "a day after today" in response.content.decode()
    client.post(f"/alerts/{second.pk}/snooze/", {"until": str(today + dt.timedelta(days=3))})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "acknowledged" and second.snoozed_until == today + dt.timedelta(days=3)


def test_it_shows_open_alerts_on_the_home_page(trained: Cast, today: dt.date, login: Login) -> None:
    observe(trained, trained.rep, trained.manager, today)
    services.health_run_day(program=trained.program, day=today)
    page = login(trained.other_manager).get("/").content.decode()
    assert 'id="alerts-panel"' in page and "manager_not_coaching" in page
    assert 'id="alerts-panel"' not in login(trained.manager).get("/").content.decode()


def test_it_links_health_and_the_fade_from_the_program(trained: Cast, login: Login) -> None:
    page = login(trained.owner).get(f"/programs/{trained.program.pk}/").content.decode()
    assert f"/health/program/{trained.program.pk}/" in page
    assert f"/health/program/{trained.program.pk}/fade/" in page
