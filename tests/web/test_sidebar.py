from __future__ import annotations

import pytest

from tests.conftest import Cast, Login, Response

SIDEBAR = {
    "rep": ["Home", "My plan", "Refreshers", "My coaching", "Programs"],
    "manager": [
        "Home",
        "Team plans",
        "Coaching",
        "My plan",
        "Refreshers",
        "Programs",
        "Teams",
        "People",
    ],
    "trainer": ["Home", "Coaching", "Programs"],
    "executive": ["Home", "Programs", "Impact", "Teams", "People"],
    "owner": ["Home", "Programs", "Impact", "Teams", "People"],
    "analyst": ["Home", "Programs", "Impact", "Teams", "People"],
}


def _labels(response: Response) -> list[str]:
    return [item["label"] for item in response.context["nav"]]


@pytest.mark.parametrize("role", SIDEBAR)
def test_it_shows_each_role_her_daily_work_first(cast: Cast, login: Login, role: str) -> None:
    labels = _labels(login(cast.by_role(role)).get("/"))
    assert labels[: len(SIDEBAR[role])] == SIDEBAR[role]


@pytest.mark.parametrize("role", SIDEBAR)
def test_it_links_only_pages_the_role_can_open(cast: Cast, login: Login, role: str) -> None:
    client = login(cast.by_role(role))
    for item in client.get("/").context["nav"]:
        assert client.get(item["url"], follow=True).status_code == 200, item


def test_it_keeps_the_directories_from_reps_and_trainers(cast: Cast, login: Login) -> None:
    for person in (cast.rep, cast.trainer):
        labels = _labels(login(person).get("/"))
        assert "People" not in labels and "Teams" not in labels and "Impact" not in labels


def test_it_marks_the_open_page_active(cast: Cast, login: Login) -> None:
    response = login(cast.rep).get("/refreshers/")
    active = [item["label"] for item in response.context["nav"] if item["active"]]
    assert active == ["Refreshers"]


def test_it_points_program_links_at_the_caller_s_own_program(cast: Cast, login: Login) -> None:
    nav = login(cast.manager).get("/").context["nav"]
    coaching = next(item for item in nav if item["label"] == "Coaching")
    assert coaching["url"] == f"/coaching/program/{cast.program.pk}/"
