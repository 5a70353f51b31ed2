from __future__ import annotations

import pytest

from sustain.readiness import services
from tests.conftest import Api, Cast, Login

PREP_READERS = ["owner", "executive", "analyst", "admin"]
PREP_GET = [
    "readiness",
    "readiness-settings",
    "owner-profile",
    "goals",
    "touches",
    "reinforcement-plan",
    "measurement-plan",
]
PAGES = [
    "",
    "owner/",
    "settings/",
    "goals/new/",
    "needs/",
    "why/",
    "touches/new/",
    "expectations/rep/",
    "panel/new/",
    "reinforcement/",
    "measurement/",
    "brief/",
    "managers/",
]


@pytest.mark.parametrize(
    "path", [*PREP_GET, "needs", "pulse", "brief", "panel", "expectations", "why-message"]
)
def test_it_hides_everything_from_outsiders_in_the_api(api: Api, cast: Cast, path: str) -> None:
    r = api(cast.outsider).get(f"/programs/{cast.program.pk}/{path}")
    assert r.status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_it_hides_every_page_from_outsiders(login: Login, cast: Cast, path: str) -> None:
    assert login(cast.outsider).get(f"/readiness/{cast.program.pk}/{path}").status_code == 404


@pytest.mark.parametrize("role", PREP_READERS)
@pytest.mark.parametrize("path", PREP_GET)
def test_it_shows_preparation_to_leadership(api: Api, cast: Cast, role: str, path: str) -> None:
    assert api(cast.by_role(role)).get(f"/programs/{cast.program.pk}/{path}").status_code == 200


@pytest.mark.parametrize("role", ["rep", "manager", "trainer"])
@pytest.mark.parametrize("path", PREP_GET)
def test_it_refuses_preparation_to_others(api: Api, cast: Cast, role: str, path: str) -> None:
    assert api(cast.by_role(role)).get(f"/programs/{cast.program.pk}/{path}").status_code == 403


@pytest.mark.parametrize("role", ["rep", "manager", "trainer"])
def test_it_refuses_the_readiness_page_to_others(login: Login, cast: Cast, role: str) -> None:
    assert login(cast.by_role(role)).get(f"/readiness/{cast.program.pk}/").status_code == 403


@pytest.mark.parametrize("role", PREP_READERS)
def test_it_renders_the_readiness_page(login: Login, ready_cast: Cast, role: str) -> None:
    r = login(ready_cast.by_role(role)).get(f"/readiness/{ready_cast.program.pk}/")
    assert r.status_code == 200
    assert b"Ready" in r.content


def test_it_refuses_writes_to_the_analyst(api: Api, cast: Cast) -> None:
    r = api(cast.analyst).post(f"/programs/{cast.program.pk}/goals", {"kpi": "revenue"})
    assert r.status_code == 403


def test_it_refuses_the_manager_the_rep_expectations(api: Api, cast: Cast) -> None:
    r = api(cast.manager).client.put(
        f"/api/v1/programs/{cast.program.pk}/expectations/rep",
        {"do_differently": "x", "measured_by": "y", "recognized_by": "z"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_it_shows_reps_only_their_expectations(api: Api, ready_cast: Cast) -> None:
    body = (
        api(ready_cast.rep).get(f"/programs/{ready_cast.program.pk}/expectations").json()["items"]
    )
    assert [e["role"] for e in body] == ["rep"]


def test_it_never_shows_the_trainer_a_rep_answer(api: Api, login: Login, ready_cast: Cast) -> None:
    program = ready_cast.program
    services.acknowledgement_record(program=program, rep=ready_cast.rep, pulse=1)
    trainer = ready_cast.trainer
    pulse = api(trainer).get(f"/programs/{program.pk}/pulse").json()["items"]
    assert all(row["average"] is None for row in pulse)  # teams of one or two are hidden
    assert "Rita" not in str(pulse)
    assert api(trainer).get(f"/programs/{program.pk}/brief").status_code == 403
    assert api(trainer).get(f"/programs/{program.pk}/readiness").status_code == 403
    assert login(trainer).get(f"/readiness/{program.pk}/brief/").status_code == 403


def test_it_lets_the_trainer_read_the_needs_assessment(api: Api, ready_cast: Cast) -> None:
    r = api(ready_cast.trainer).get(f"/programs/{ready_cast.program.pk}/needs")
    assert r.status_code == 200 and r.json()["count"] == 7


def test_it_lets_a_rep_acknowledge_on_the_page(login: Login, ready_cast: Cast) -> None:
    client = login(ready_cast.rep)
    url = f"/readiness/{ready_cast.program.pk}/brief/"
    assert b"Buyers research alone." in client.get(url).content
    assert client.post(url, {"pulse": "4"}).status_code == 302
    assert ready_cast.program.acknowledgements.get().pulse == 4


def test_it_shows_the_owner_what_to_fix_first(login: Login, cast: Cast) -> None:
    r = login(cast.owner).get("/")
    assert b"Fix first" in r.content and b"owner_fit" in r.content


@pytest.mark.parametrize("path", ["needs", "pulse", "panel", "why-message"])
def test_it_shows_a_rep_nothing_else_of_the_preparation(
    api: Api, ready_cast: Cast, path: str
) -> None:
    r = api(ready_cast.rep).get(f"/programs/{ready_cast.program.pk}/{path}")
    assert r.status_code == (200 if path == "why-message" else 403)


@pytest.mark.parametrize("path", ["needs", "pulse"])
def test_it_keeps_aggregates_from_managers(api: Api, cast: Cast, path: str) -> None:
    assert api(cast.manager).get(f"/programs/{cast.program.pk}/{path}").status_code == 403


def test_it_keeps_the_panel_of_another_manager_hers(api: Api, ready_cast: Cast) -> None:
    member = ready_cast.program.panel.get()
    r = api(ready_cast.other_manager).patch(f"/panel/{member.pk}", {"scenarios": "mine now"})
    assert r.status_code == 403
    member.refresh_from_db()
    assert member.scenarios == "Renewals"
    assert (
        api(ready_cast.outsider).patch(f"/panel/{member.pk}", {"scenarios": "x"}).status_code == 404
    )


def test_it_hides_goals_and_touches_from_outsiders(
    api: Api, login: Login, ready_cast: Cast
) -> None:
    goal = ready_cast.program.goals.get()
    touch = ready_cast.program.touches.first()
    assert touch is not None
    outsider = ready_cast.outsider
    assert api(outsider).patch(f"/goals/{goal.pk}", {"horizon_days": 1}).status_code == 404
    assert api(outsider).patch(f"/touches/{touch.pk}", {"forum": "x"}).status_code == 404
    assert login(outsider).get(f"/readiness/goals/{goal.pk}/edit/").status_code == 404
    assert login(outsider).get(f"/readiness/touches/{touch.pk}/edit/").status_code == 404


# Program-wide text (the why, the expectations for each role, the readiness thresholds):
# the program's owner and admins write it; everyone else is refused and nothing changes.
TEXT_WRITERS = {
    "owner": True,
    "admin": True,
    "executive": False,
    "analyst": False,
    "manager": False,
    "rep": False,
    "trainer": False,
}
EXPECTATION: dict[str, object] = {
    "do_differently": "d2",
    "measured_by": "m2",
    "recognized_by": "r2",
}


def _text_writes(cast: Cast) -> list[tuple[str, str, dict[str, object]]]:
    pk = cast.program.pk
    why: dict[str, object] = {
        "market_change": "New",
        "status_quo": "Old",
        "author": cast.executive.pk,
    }
    return [
        ("put", f"/programs/{pk}/why-message", why),
        ("put", f"/programs/{pk}/expectations/executive", EXPECTATION),
        ("put", f"/programs/{pk}/expectations/manager", EXPECTATION),
        ("put", f"/programs/{pk}/expectations/rep", EXPECTATION),
        ("patch", f"/programs/{pk}/readiness-settings", {"min_reinforcement_share": 20}),
    ]


@pytest.mark.parametrize(("role", "writes"), TEXT_WRITERS.items())
def test_only_the_owner_and_admins_write_program_wide_text_in_the_api(
    api: Api, ready_cast: Cast, role: str, writes: bool
) -> None:
    client = api(ready_cast.by_role(role))
    for method, path, body in _text_writes(ready_cast):
        r = getattr(client, method)(path, body)
        assert r.status_code == (200 if writes else 403), (path, r.content)
    texts = set(ready_cast.program.expectations.values_list("do_differently", flat=True))
    assert texts == ({"d2"} if writes else {"d"})


@pytest.mark.parametrize(("role", "writes"), TEXT_WRITERS.items())
@pytest.mark.parametrize("page", ["why/", "expectations/manager/", "expectations/executive/"])
def test_only_the_owner_and_admins_open_the_program_text_forms(
    login: Login, ready_cast: Cast, role: str, writes: bool, page: str
) -> None:
    r = login(ready_cast.by_role(role)).get(f"/readiness/{ready_cast.program.pk}/{page}")
    assert r.status_code == (200 if writes else 403)


def test_a_manager_cannot_post_the_manager_expectations_page(
    login: Login, ready_cast: Cast
) -> None:
    url = f"/readiness/{ready_cast.program.pk}/expectations/manager/"
    assert login(ready_cast.manager).post(url, EXPECTATION).status_code == 403
    assert ready_cast.program.expectations.get(role="manager").do_differently == "d"


# Whose expectations each role reads: the same from /brief, /expectations and the page.
EXPECTATIONS_READ = {
    "executive": ["executive", "manager", "rep"],
    "owner": ["executive", "manager", "rep"],
    "analyst": ["executive", "manager", "rep"],
    "admin": ["executive", "manager", "rep"],
    "manager": ["executive", "manager", "rep"],
    "rep": ["rep"],
}


@pytest.mark.parametrize(("role", "roles"), EXPECTATIONS_READ.items())
def test_each_role_reads_the_same_expectations_everywhere(
    api: Api, login: Login, ready_cast: Cast, role: str, roles: list[str]
) -> None:
    person, pk = ready_cast.by_role(role), ready_cast.program.pk
    brief = api(person).get(f"/programs/{pk}/brief").json()
    assert sorted(e["role"] for e in brief["expectations"]) == roles
    listed = api(person).get(f"/programs/{pk}/expectations").json()["items"]
    assert sorted(e["role"] for e in listed) == roles
    page = login(person).get(f"/readiness/{pk}/brief/").content.decode()
    assert (
        sorted({r for r in ("executive", "manager", "rep") if f'data-role="{r}"' in page}) == roles
    )


def test_the_trainer_reads_no_expectations(api: Api, ready_cast: Cast) -> None:
    assert (
        api(ready_cast.trainer).get(f"/programs/{ready_cast.program.pk}/expectations").status_code
        == 403
    )


def test_a_manager_acknowledges_the_why_and_stays_out_of_the_team_pulse(
    api: Api, login: Login, ready_cast: Cast
) -> None:
    pk = ready_cast.program.pk
    r = api(ready_cast.manager).post(f"/programs/{pk}/acknowledgement", {"pulse": 5})
    assert r.status_code == 201
    assert api(ready_cast.manager).get(f"/programs/{pk}/brief").json()["acknowledged"] is True
    assert b"I have read this" in login(ready_cast.manager).get(f"/readiness/{pk}/brief/").content
    pulse = api(ready_cast.owner).get(f"/programs/{pk}/pulse").json()["items"]
    assert sum(row["acknowledged"] for row in pulse) == 0
    assert api(ready_cast.executive).post(f"/programs/{pk}/acknowledgement", {}).status_code == 403


@pytest.mark.parametrize(
    ("role", "links"), [("owner", True), ("admin", True), ("executive", False)]
)
def test_the_preparation_page_links_the_text_forms_only_for_their_writers(
    login: Login, cast: Cast, role: str, links: bool
) -> None:
    page = login(cast.by_role(role)).get(f"/readiness/{cast.program.pk}/").content.decode()
    assert (f'href="/readiness/{cast.program.pk}/why/"' in page) == links
    assert (f'href="/readiness/{cast.program.pk}/expectations/manager/"' in page) == links
