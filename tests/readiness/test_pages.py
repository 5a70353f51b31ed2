from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from pytest_django import DjangoAssertNumQueries

from sustain.orgs.models import Role
from sustain.readiness import services
from sustain.readiness.forms import GoalForm
from sustain.readiness.models import Acknowledgement, Goal, PanelMember, Touch
from tests.conftest import Api, Cast, Login, make_person


def test_it_shows_a_goal_without_baseline_next_to_the_field(login: Login, cast: Cast) -> None:
    r = login(cast.owner).post(
        f"/readiness/{cast.program.pk}/goals/new/",
        {
            "kpi": "margin",
            "baseline_start": "2026-01-01",
            "baseline_end": "2026-02-01",
            "target_value": "30",
            "direction": "increase",
            "horizon_days": "120",
        },
    )
    assert r.status_code == 200
    assert "baseline" in r.context["form"].errors["baseline_value"][0]
    assert not Goal.objects.exists()


def test_it_refuses_a_touch_after_the_program_closed_on_the_page(login: Login, cast: Cast) -> None:
    cast.program.closed_on = dt.date(2026, 12, 31)
    cast.program.save(update_fields=["closed_on"])
    r = login(cast.owner).post(
        f"/readiness/{cast.program.pk}/touches/new/",
        {
            "date": "2027-02-01",
            "channel": "email",
            "audience": "all_reps",
            "sender": cast.owner.pk,
            "status": "planned",
        },
    )
    assert "2026-12-31" in r.context["form"].errors["date"][0]
    assert not Touch.objects.exists()


def test_it_refuses_a_pulse_of_7_on_the_page(login: Login, ready_cast: Cast) -> None:
    r = login(ready_cast.rep).post(f"/readiness/{ready_cast.program.pk}/brief/", {"pulse": "7"})
    assert r.status_code == 400
    assert r.context["form"].errors["pulse"]
    assert not Acknowledgement.objects.exists()


def test_it_edits_a_touch(login: Login, ready_cast: Cast) -> None:
    touch = Touch.objects.first()
    assert touch is not None
    r = login(ready_cast.owner).post(
        f"/readiness/touches/{touch.pk}/edit/",
        {
            "date": touch.date.isoformat(),
            "channel": touch.channel,
            "audience": "all_reps",
            "sender": ready_cast.executive.pk,
            "status": "done",
        },
    )
    assert r.status_code == 302
    touch.refresh_from_db()
    assert touch.status == "done"


def test_it_lets_a_manager_join_the_panel_on_her_page(login: Login, cast: Cast) -> None:
    client = login(cast.manager)
    assert client.get(f"/readiness/{cast.program.pk}/managers/").status_code == 200
    r = client.post(
        f"/readiness/{cast.program.pk}/panel/new/",
        {"manager": cast.manager.pk, "scenarios": "Price objections"},
    )
    assert r.status_code == 302
    assert PanelMember.objects.get().manager == cast.manager


def test_it_keeps_a_manager_from_adding_another_manager(login: Login, cast: Cast) -> None:
    r = login(cast.manager).post(
        f"/readiness/{cast.program.pk}/panel/new/",
        {"manager": cast.other_manager.pk, "scenarios": "x"},
    )
    assert r.status_code == 200 and r.context["form"].errors["manager"]
    assert not PanelMember.objects.exists()


def test_it_refuses_the_rep_the_manager_page(login: Login, cast: Cast) -> None:
    assert login(cast.rep).get(f"/readiness/{cast.program.pk}/managers/").status_code == 403


def test_it_refuses_preparation_writes_to_a_manager(login: Login, cast: Cast) -> None:
    r = login(cast.manager).post(
        f"/readiness/{cast.program.pk}/expectations/rep/",
        {"do_differently": "x", "measured_by": "y", "recognized_by": "z"},
    )
    assert r.status_code == 403


def test_it_asks_the_rep_to_read_the_why_on_her_home_page(login: Login, ready_cast: Cast) -> None:
    assert b"Why we are changing" in login(ready_cast.rep).get("/").content
    services.acknowledgement_record(program=ready_cast.program, rep=ready_cast.rep)
    assert b"Why we are changing" not in login(ready_cast.rep).get("/").content


def test_it_hides_the_fix_first_panel_when_ready(login: Login, ready_cast: Cast) -> None:
    assert b"Fix first" not in login(ready_cast.owner).get("/").content


def test_it_shows_a_team_average_from_k_answers(api: Api, cast: Cast) -> None:
    from sustain.orgs import services as org_services
    from sustain.programs import services as program_services
    from sustain.readiness.selectors import pulse_by_team

    org_services.organization_update(organization=cast.org, data={"min_group_size": 3})

    services.why_message_write(
        program=cast.program, author=cast.executive, market_change="m", status_quo="s"
    )
    reps = [cast.rep] + [
        make_person(cast.org, f"Rep {i}", Role.REP, team=cast.team) for i in range(2)
    ]
    for i, rep in enumerate(reps):
        if rep != cast.rep:
            program_services.enrollment_create(program=cast.program, person=rep)
        services.acknowledgement_record(program=cast.program, rep=rep, pulse=i + 3)
    row = next(r for r in pulse_by_team(program=cast.program) if r.team == "West 1")
    assert (row.reps, row.answered, row.average) == (3, 3, 4.0)
    body = api(cast.trainer).get(f"/programs/{cast.program.pk}/pulse").json()["items"]
    assert {"team": "West 1", "reps": 3, "acknowledged": 3, "answered": 3, "average": 4.0} in body
    org_services.organization_update(organization=cast.org, data={"min_group_size": 4})
    row = next(r for r in pulse_by_team(program=cast.program) if r.team == "West 1")
    assert row.average is None  # answers are private to all: leaders too get no average


def test_it_changes_thresholds_over_the_api(api: Api, cast: Cast) -> None:
    r = api(cast.owner).patch(
        f"/programs/{cast.program.pk}/readiness-settings", {"min_reinforcement_share": 20}
    )
    assert r.status_code == 200 and r.json()["min_touches"] == 3
    r = api(cast.owner).patch(
        f"/programs/{cast.program.pk}/readiness-settings", {"min_reinforcement_share": 120}
    )
    assert r.status_code == 422


def test_it_refuses_a_touch_moved_after_closing(api: Api, ready_cast: Cast) -> None:
    program = ready_cast.program
    program.closed_on = dt.date(2027, 6, 30)
    program.save(update_fields=["closed_on"])
    touch = Touch.objects.first()
    assert touch is not None
    r = api(ready_cast.owner).patch(f"/touches/{touch.pk}", {"date": "2027-07-01"})
    assert r.status_code == 400
    touch.refresh_from_db()
    assert touch.date < dt.date(2027, 6, 30)


def test_it_shows_a_manager_only_her_own_training_order(login: Login, ready_cast: Cast) -> None:
    page = login(ready_cast.manager).get(f"/readiness/{ready_cast.program.pk}/managers/")
    assert b"West 1" in page.content and b"West 2" not in page.content
    page = login(ready_cast.owner).get(f"/readiness/{ready_cast.program.pk}/managers/")
    assert b"West 2" in page.content


def test_it_costs_the_same_queries_whatever_the_org_size(
    login: Login, ready_cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sustain.programs import services as program_services

    client = login(ready_cast.owner)
    url = f"/readiness/{ready_cast.program.pk}/"
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(6):
        rep = make_person(ready_cast.org, f"Extra {i}", Role.REP, team=ready_cast.other_team)
        program_services.enrollment_create(program=ready_cast.program, person=rep)
        services.acknowledgement_record(program=ready_cast.program, rep=rep, pulse=3)
        services.touch_create(
            program=ready_cast.program,
            channel="chat",
            sender=ready_cast.owner,
            date=dt.date(2027, 1, 1 + i),
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)


def test_it_keeps_the_channel_threshold_within_the_six_channels(cast: Cast) -> None:
    """The limit lives on the model: the service refuses it too, not only the form and API."""
    with pytest.raises(ValidationError) as refused:
        services.readiness_settings_update(program=cast.program, data={"min_channels": 7})
    assert "min_channels" in refused.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"), [("custom_name", "x" * 121), ("horizon_days", str(3 * 365 + 1))]
)
def test_the_goal_form_refuses_what_the_api_refuses(
    login: Login, api: Api, cast: Cast, field: str, value: str
) -> None:
    goal = {
        "kpi": "custom",
        "custom_name": "Renewals",
        "baseline_value": "100",
        "baseline_start": "2026-01-01",
        "baseline_end": "2026-03-31",
        "target_value": "120",
        "direction": "increase",
        "horizon_days": "120",
        field: value,
    }
    # The form had no limit of its own: the value reached the service.
    assert not GoalForm(goal).is_valid()
    r = login(cast.owner).post(f"/readiness/{cast.program.pk}/goals/new/", goal)
    assert r.context["form"].errors[field]
    body = {**goal, field: int(value) if field == "horizon_days" else value}
    assert api(cast.owner).post(f"/programs/{cast.program.pk}/goals", body).status_code == 422
    assert not Goal.objects.exists()
