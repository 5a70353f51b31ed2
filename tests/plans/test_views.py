from __future__ import annotations

import pytest

from sustain.orgs.models import Team
from sustain.plans.models import Plan
from sustain.web import formfields
from tests.conftest import Cast, Login
from tests.plans.conftest import manager_of


def test_the_rep_commits_and_checks_in_on_her_page(login: Login, plan: Plan) -> None:
    client = login(plan.rep)
    assert b"I commit to this plan" in client.get("/plans/me/").content
    client.post(f"/plans/{plan.pk}/commit/")
    response = client.post(
        f"/plans/{plan.pk}/check-in/",
        {"applied": "Asked impact questions", "struggled": "", "rating": "4"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.committed_at is not None
    assert plan.check_ins.get().rating == 4


def test_a_bad_rating_shows_next_to_the_field(login: Login, plan: Plan) -> None:
    response = login(plan.rep).post(f"/plans/{plan.pk}/check-in/", {"rating": "9"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not plan.check_ins.exists()


def test_the_team_page_shows_her_reps(login: Login, plan: Plan, other_plan: Plan) -> None:
    content = login(manager_of(plan)).get("/plans/team/").content.decode()
    assert plan.rep.name in content
    assert other_plan.rep.name not in content


def test_the_manager_restarts_a_plan(login: Login, plan: Plan) -> None:
    import datetime as dt

    new_start = plan.start + dt.timedelta(days=10)
    response = login(manager_of(plan)).post(
        f"/plans/{plan.pk}/restart/", {"start": new_start.isoformat(), "note": "After leave"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.start == new_start and plan.restart_note == "After leave"


def test_the_manager_opens_her_reps_plan_and_the_program_tab(login: Login, plan: Plan) -> None:
    client = login(manager_of(plan))
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Restart plan" in page and "Discovery" in page
    assert "I commit to this plan" not in page
    assert client.get(f"/plans/program/{plan.program_id}/").status_code == 200
    assert "Plans" in client.get(f"/programs/{plan.program_id}/").content.decode()


def test_the_home_page_shows_the_reps_plan_panel(login: Login, plan: Plan) -> None:
    assert "My 90-day plan" in login(plan.rep).get("/").content.decode()


def test_a_leader_picks_a_team_by_its_name_or_id(
    login: Login, cast: Cast, plan: Plan, other_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formfields, "LOOKUP_LIMIT", 1)  # the cast's two teams are "many"
    client = login(cast.owner)
    page = client.get("/plans/team/").content.decode()
    assert 'hx-get="?lookup=team"' in page and "<option" not in page
    suggested = client.get("/plans/team/", {"lookup": "team", "team": "st 2"}).content.decode()
    assert 'value="West 2"' in suggested and "West 1" not in suggested
    for picked in ({"team": "WEST 2", "team-typed": "1"}, {"team": cast.other_team.pk}):
        content = client.get("/plans/team/", picked).content.decode()
        assert other_plan.rep.name in content and plan.rep.name not in content


def test_a_team_the_leader_cannot_see_is_not_found(login: Login, cast: Cast, plan: Plan) -> None:
    client = login(cast.executive)
    far = Team.objects.create(organization=cast.outsider_program.organization, name="Far")
    assert client.get("/plans/team/", {"team": far.pk}).status_code == 404
    typed = {"team": "No such team", "team-typed": "1"}
    assert client.get("/plans/team/", typed).status_code == 404
