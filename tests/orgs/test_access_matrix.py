"""The access rules as a matrix: role by object kind by read/write, for pages and the API.
Each row is what a person in that role gets; an outsider always gets 404."""

from __future__ import annotations

import pytest

from tests.conftest import Cast

ROLES = [
    "executive",
    "owner",
    "analyst",
    "admin",
    "manager",
    "other_manager",
    "rep",
    "other_rep",
    "trainer",
    "outsider",
]

# Object kinds and how to reach them: (API path, page path), built from the cast.
OBJECTS = {
    "person": lambda c: (f"/people/{c.rep.pk}", f"/people/{c.rep.pk}/"),
    "team": lambda c: (f"/teams/{c.team.pk}", f"/teams/{c.team.pk}/"),
    "program": lambda c: (f"/programs/{c.program.pk}", f"/programs/{c.program.pk}/"),
    "concepts": lambda c: (f"/programs/{c.program.pk}/concepts", f"/programs/{c.program.pk}/"),
    "enrollments": lambda c: (f"/programs/{c.program.pk}/enrollments", None),
}

READ = {
    #              exe  own  ana  adm  man  oman rep  orep trn  out
    "person": [200, 200, 200, 200, 200, 404, 200, 404, 404, 404],
    "team": [200, 200, 200, 200, 200, 404, 404, 404, 404, 404],
    "program": [200, 200, 200, 200, 200, 200, 200, 200, 200, 404],
    "concepts": [200, 200, 200, 200, 200, 200, 200, 200, 200, 404],
    "enrollments": [200, 200, 200, 200, 200, 200, 200, 200, 403, 404],
}

# Writes through the API: (method, path, body, success status).
WRITES = {
    "person": lambda c: ("patch", f"/people/{c.rep.pk}", {"title": "Senior AE"}, 200),
    "team": lambda c: ("patch", f"/teams/{c.team.pk}", {"name": "West One"}, 200),
    "program": lambda c: ("patch", f"/programs/{c.program.pk}", {"vendor": "Summit"}, 200),
    "concepts": lambda c: ("post", f"/programs/{c.program.pk}/concepts", {"name": "Closing"}, 201),
    "enrollments": lambda c: (
        "post",
        f"/programs/{c.program.pk}/enrollments",
        {"person": c.owner.pk},
        201,
    ),
}

OK = "ok"
WRITE = {
    #              exe  own  ana  adm  man  oman rep  orep trn  out
    "person": [OK, 403, 403, OK, 403, 404, 403, 404, 404, 404],
    "team": [OK, 403, 403, OK, 403, 404, 404, 404, 404, 404],
    "program": [OK, OK, 403, OK, 403, 403, 403, 403, 403, 404],
    "concepts": [OK, OK, 403, OK, 403, 403, 403, 403, 403, 404],
    "enrollments": [OK, OK, 403, OK, 403, 403, 403, 403, 403, 404],
}

# Edit pages: GET of the form is a write.
EDIT_PAGES = {
    "person": lambda c: f"/people/{c.rep.pk}/edit/",
    "team": lambda c: f"/teams/{c.team.pk}/edit/",
    "program": lambda c: f"/programs/{c.program.pk}/edit/",
    "concepts": lambda c: f"/programs/concepts/{c.concept.pk}/edit/",
}


def _cases(table: dict[str, list[object]]) -> list[tuple[str, str, object]]:
    return [(kind, role, row[i]) for kind, row in table.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("kind", "role", "expected"), _cases(READ))
def test_it_applies_read_rules_to_the_api(
    cast: Cast, api, kind: str, role: str, expected: int
) -> None:
    path, _ = OBJECTS[kind](cast)
    assert api(cast.by_role(role)).get(path).status_code == expected


# Enrollment has no page of its own: it is shown on the program page.
@pytest.mark.parametrize(
    ("kind", "role", "expected"), _cases({k: v for k, v in READ.items() if k != "enrollments"})
)
def test_it_applies_read_rules_to_pages(
    cast: Cast, login, kind: str, role: str, expected: int
) -> None:
    _, page = OBJECTS[kind](cast)
    assert login(cast.by_role(role)).get(page).status_code == expected


@pytest.mark.parametrize(("kind", "role", "expected"), _cases(WRITE))
def test_it_applies_write_rules_to_the_api(
    cast: Cast, api, kind: str, role: str, expected: object
) -> None:
    method, path, body, success = WRITES[kind](cast)
    response = getattr(api(cast.by_role(role)), method)(path, body)
    assert response.status_code == (success if expected == OK else expected), response.content


@pytest.mark.parametrize(
    ("kind", "role", "expected"), _cases({k: v for k, v in WRITE.items() if k in EDIT_PAGES})
)
def test_it_applies_write_rules_to_edit_pages(
    cast: Cast, login, kind: str, role: str, expected: object
) -> None:
    response = login(cast.by_role(role)).get(EDIT_PAGES[kind](cast))
    assert response.status_code == (200 if expected == OK else expected)


def test_it_hides_individual_enrollments_from_the_trainer_on_the_program_page(
    cast: Cast, login
) -> None:
    page = login(cast.trainer).get(f"/programs/{cast.program.pk}/").content.decode()
    assert "Rita Rep" not in page
    assert "enrolled" in page


def test_it_shows_a_manager_only_her_own_teams_reps_in_lists(cast: Cast, api) -> None:
    names = {p["name"] for p in api(cast.manager).get("/people").json()}
    assert names == {"Mia Manager", "Rita Rep"}
    teams = [t["name"] for t in api(cast.manager).get("/teams").json()]
    assert teams == ["West 1"]


def test_it_shows_a_rep_only_herself(cast: Cast, api) -> None:
    assert [p["name"] for p in api(cast.rep).get("/people").json()] == ["Rita Rep"]
    assert api(cast.rep).get("/teams").json() == []


def test_it_filters_enrollments_to_what_a_manager_may_see(cast: Cast, api) -> None:
    rows = api(cast.manager).get(f"/programs/{cast.program.pk}/enrollments").json()
    assert {r["name"] for r in rows} == {"Mia Manager", "Rita Rep"}


def test_it_never_lists_another_organizations_programs(cast: Cast, api) -> None:
    names = [p["name"] for p in api(cast.outsider).get("/programs").json()]
    assert names == ["Globex Selling"]
