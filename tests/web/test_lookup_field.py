"""Past `LOOKUP_LIMIT` choices a whole-organization choice field is a text input that
suggests, as she types, the names she may pick (asked of the form's own page), and
matches what she sends by exact name, email or "Name <email>" within what she may pick;
under the limit a select in natural order. The limit is patched low so the small cast
is "big"."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sustain.orgs import services as org_services
from sustain.orgs.models import Person, Role, Team
from sustain.web import formfields
from sustain.web.formfields import email_label, natural_key, parse_email_label
from tests.conftest import PASSWORD, Cast, Login, make_person
from tests.helpers import ROLES, matrix_cases


@pytest.fixture
def low_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formfields, "LOOKUP_LIMIT", 1)  # the cast has two teams


def _team_post(team: Team, **changes: object) -> dict[str, object]:
    assert team.region_id is not None and team.manager_id is not None
    return {"name": team.name, "region": team.region_id, "manager": team.manager_id, **changes}


def _person_post(cast: Cast, **changes: object) -> dict[str, object]:
    return {"name": cast.rep.name, "email": cast.rep.email, "role": Role.REP, **changes}


def _suggested(page: str) -> list[str]:
    return [
        v.replace("&lt;", "<").replace("&gt;", ">") for v in re.findall(r'value="([^"]*)"', page)
    ]


def test_it_renders_a_select_under_the_limit(cast: Cast, login: Login) -> None:
    page = login(cast.admin).get(f"/teams/{cast.team.pk}/edit/").content.decode()
    assert '<select name="manager"' in page and "Otto Othermanager</option>" in page


def test_it_lists_the_select_in_natural_order(cast: Cast, login: Login) -> None:
    for name in ("Pod 12", "Pod 3", "pod 20"):
        org_services.team_create(organization=cast.org, name=name)
    page = login(cast.admin).get(f"/people/{cast.rep.pk}/edit/").content.decode()
    select = page[page.index('<select name="team"') :].split("</select>")[0]
    teams = re.findall(r'<option value="\d+"(?: selected)?>([^<]*)</option>', select)
    assert teams == ["Pod 3", "Pod 12", "pod 20", "West 1", "West 2"]


def test_it_renders_the_current_choice_in_a_text_input_past_the_limit(
    cast: Cast, login: Login, low_limit: None
) -> None:
    page = login(cast.admin).get(f"/teams/{cast.team.pk}/edit/").content.decode()
    assert '<select name="manager"' not in page
    assert 'name="manager" value="Mia Manager &lt;mia.manager@acme-corp.example&gt;"' in page
    assert 'list="id_manager-options" hx-get="?lookup=manager"' in page
    assert '<datalist id="id_manager-options"></datalist>' in page
    assert "Otto Othermanager" not in page  # no option lists the others
    assert '<select name="region"' in page  # one region: still the select


def test_it_suggests_names_and_emails_containing_the_text(
    cast: Cast, login: Login, low_limit: None
) -> None:
    url = f"/teams/{cast.team.pk}/edit/?lookup=manager&manager="
    client = login(cast.admin)
    assert _suggested(client.get(url + "OTTO").content.decode()) == [
        "Otto Othermanager <otto.othermanager@acme-corp.example>"
    ]
    assert _suggested(client.get(url + "mia.man").content.decode()) == [
        "Mia Manager <mia.manager@acme-corp.example>"
    ]
    assert client.get(url + "  ").content.decode().strip() == ""


def test_it_suggests_only_the_fields_choices(cast: Cast, login: Login, low_limit: None) -> None:
    assert cast.outsider.organization is not None
    make_person(cast.outsider.organization, "Otto Globex", Role.MANAGER)
    url = f"/teams/{cast.team.pk}/edit/?lookup=manager&manager="
    client = login(cast.admin)
    assert _suggested(client.get(url + "otto").content.decode()) == [
        "Otto Othermanager <otto.othermanager@acme-corp.example>"
    ]
    assert _suggested(client.get(url + "rep").content.decode()) == []  # managers only


def test_it_suggests_at_most_twenty_shortest_first(
    cast: Cast, login: Login, low_limit: None
) -> None:
    for n in range(25, 0, -1):
        org_services.team_create(organization=cast.org, name=f"Pod {n}")
    page = login(cast.admin).get(f"/people/{cast.rep.pk}/edit/?lookup=team&team=pod")
    assert _suggested(page.content.decode()) == [f"Pod {n}" for n in range(1, 21)]


# Every form with a lookup field, asked by a person who may open it (program ids filled in).
EVERY_LOOKUP = [
    ("owner", "/programs/{p}/edit/", "owner", "olga", "Olga Owner <olga.owner@acme-corp.example>"),
    ("admin", "/people/new/", "team", "st 2", "West 2"),
    ("admin", "/people/new/", "region", "wes", "West"),
    ("admin", "/teams/new/", "region", "wes", "West"),
    (
        "admin",
        "/teams/new/",
        "manager",
        "otto",
        "Otto Othermanager <otto.othermanager@acme-corp.example>",
    ),
    (
        "owner",
        "/readiness/{p}/touches/new/",
        "sender",
        "eve",
        "Eve Executive <eve.executive@acme-corp.example>",
    ),
    ("owner", "/readiness/{p}/touches/new/", "team", "1", "West 1"),
    ("owner", "/readiness/{p}/touches/new/", "region", "w", "West"),
    (
        "owner",
        "/readiness/{p}/why/",
        "author",
        "eve",
        "Eve Executive <eve.executive@acme-corp.example>",
    ),
    (
        "owner",
        "/readiness/{p}/panel/new/",
        "manager",
        "mia",
        "Mia Manager <mia.manager@acme-corp.example>",
    ),
    ("owner", "/programs/{p}/enrollments/new/", "team", "west 1", "West 1"),
    ("owner", "/programs/{p}/enrollments/new/", "region", "WEST", "West"),
]


@pytest.mark.parametrize(("role", "path", "field", "text", "expected"), EVERY_LOOKUP)
def test_it_suggests_on_every_form_with_a_lookup(
    cast: Cast,
    login: Login,
    low_limit: None,
    role: str,
    path: str,
    field: str,
    text: str,
    expected: str,
) -> None:
    url = path.format(p=cast.program.pk)
    page = login(cast.by_role(role)).get(url).content.decode()
    assert f'hx-get="?lookup={field}"' in page or f'<select name="{field}"' in page
    answer = login(cast.by_role(role)).get(url, {"lookup": field, field: text})
    assert answer.status_code == 200 and _suggested(answer.content.decode()) == [expected]


def test_it_refuses_to_suggest_for_a_field_that_is_no_lookup(cast: Cast, login: Login) -> None:
    client = login(cast.admin)
    assert client.get(f"/teams/{cast.team.pk}/edit/?lookup=name&name=W").status_code == 404
    assert client.get(f"/teams/{cast.team.pk}/edit/?lookup=boss&boss=W").status_code == 404


# What each role gets asking for suggestions: a status, or the names suggested. Editing a
# team's manager is for executives and admins; a manager adds only herself to the panel.
MIA, OTTO = ["Mia Manager"], ["Otto Othermanager"]
BOTH = MIA + OTTO
MATRIX = {
    "team": [BOTH, 403, 403, BOTH, 403, 404, 404, 404, 404, 404],
    "panel": [BOTH, BOTH, 403, BOTH, MIA, OTTO, 403, 403, 403, 404],
}


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(MATRIX))
def test_it_suggests_what_each_role_may_pick(
    cast: Cast, login: Login, low_limit: None, kind: str, role: str, expected: object
) -> None:
    assert len(MATRIX[kind]) == len(ROLES)
    path = {
        "team": f"/teams/{cast.team.pk}/edit/",
        "panel": f"/readiness/{cast.program.pk}/panel/new/",
    }[kind]
    response = login(cast.by_role(role)).get(path, {"lookup": "manager", "manager": "man"})
    if isinstance(expected, int):
        assert response.status_code == expected
        assert "Othermanager" not in response.content.decode()
        return
    assert response.status_code == 200
    assert [s.split(" <")[0] for s in _suggested(response.content.decode())] == expected


def test_it_saves_a_team_typed_by_name(cast: Cast, login: Login, low_limit: None) -> None:
    data = _person_post(cast, team="west 2", **{"team-typed": "1"})
    response = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data)
    assert response.status_code == 302
    assert Person.objects.get(pk=cast.rep.pk).team == cast.other_team


def test_it_reads_a_typed_number_as_a_name_never_a_pk(
    cast: Cast, login: Login, low_limit: None
) -> None:
    named = org_services.team_create(organization=cast.org, name=str(cast.other_team.pk))
    data = _person_post(cast, team=str(cast.other_team.pk), **{"team-typed": "1"})
    response = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data)
    assert response.status_code == 302
    assert Person.objects.get(pk=cast.rep.pk).team == named


def test_it_refuses_a_typed_number_no_team_is_named(
    cast: Cast, login: Login, low_limit: None
) -> None:
    data = _person_post(cast, team=str(cast.other_team.pk), **{"team-typed": "1"})
    page = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data).content.decode()
    assert f"No team named “{cast.other_team.pk}”." in page
    assert Person.objects.get(pk=cast.rep.pk).team == cast.team


def test_it_takes_the_pk_the_select_posts(cast: Cast, login: Login) -> None:
    org_services.team_create(organization=cast.org, name=str(cast.other_team.pk))
    data = _person_post(cast, team=str(cast.other_team.pk))
    response = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data)
    assert response.status_code == 302
    assert Person.objects.get(pk=cast.rep.pk).team == cast.other_team


def test_it_refuses_an_unknown_name_beside_the_field(
    cast: Cast, login: Login, low_limit: None
) -> None:
    data = _person_post(cast, team="East 9", **{"team-typed": "1"})
    page = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data).content.decode()
    assert 'id="id_team_error">No team named “East 9”.' in page
    assert 'aria-describedby="id_team_error"' in page  # read out with the field
    assert 'value="East 9"' in page  # what she typed, to correct
    assert Person.objects.get(pk=cast.rep.pk).team == cast.team


def test_it_refuses_another_organizations_team_as_unknown(
    cast: Cast, login: Login, low_limit: None
) -> None:
    assert cast.outsider.organization is not None
    org_services.team_create(organization=cast.outsider.organization, name="Globex 1")
    data = _person_post(cast, team="Globex 1", **{"team-typed": "1"})
    page = login(cast.admin).post(f"/people/{cast.rep.pk}/edit/", data).content.decode()
    assert "No team named “Globex 1”." in page
    assert Person.objects.get(pk=cast.rep.pk).team == cast.team


def test_it_asks_for_the_email_when_a_name_is_ambiguous(
    cast: Cast, login: Login, low_limit: None
) -> None:
    make_person(cast.org, "Ana Smith", Role.MANAGER)
    second = org_services.person_create(
        organization=cast.org,
        email="ana.two@acme.example",
        name="Ana Smith",
        role=Role.MANAGER,
        password=PASSWORD,
    )
    client = login(cast.admin)
    url = f"/teams/{cast.team.pk}/edit/"
    typed = {"manager-typed": "1"}
    page = client.post(url, _team_post(cast.team, manager="ana smith", **typed)).content.decode()
    assert 'id="id_manager_error">2 people are named “ana smith”: choose one' in page
    assert Team.objects.get(pk=cast.team.pk).manager == cast.manager
    response = client.post(url, _team_post(cast.team, manager="ANA.TWO@acme.example", **typed))
    assert response.status_code == 302
    assert Team.objects.get(pk=cast.team.pk).manager == second


def test_it_takes_a_suggestion_of_a_shared_name(cast: Cast, login: Login, low_limit: None) -> None:
    make_person(cast.org, "Ana Smith", Role.MANAGER)
    second = org_services.person_create(
        organization=cast.org, email="ana.two@acme.example", name="ANA SMITH", role=Role.MANAGER
    )
    client = login(cast.admin)
    url = f"/teams/{cast.team.pk}/edit/"
    answer = client.get(url, {"lookup": "manager", "manager": "smith"}).content.decode()
    assert _suggested(answer) == [
        "Ana Smith <ana.smith@acme-corp.example>",
        "ANA SMITH <ana.two@acme.example>",
    ]
    chosen = {"manager": "ANA SMITH <ana.two@acme.example>", "manager-typed": "1"}
    assert client.post(url, _team_post(cast.team, **chosen)).status_code == 302
    assert Team.objects.get(pk=cast.team.pk).manager == second


def test_it_refuses_a_name_and_email_of_two_people(
    cast: Cast, login: Login, low_limit: None
) -> None:
    typed = email_label("Otto Othermanager", cast.manager.email)
    post = _team_post(cast.team, manager=typed, **{"manager-typed": "1"})
    page = login(cast.admin).post(f"/teams/{cast.team.pk}/edit/", post).content.decode()
    assert "No person “Otto Othermanager &lt;mia.manager@acme-corp.example&gt;”." in page
    assert Team.objects.get(pk=cast.team.pk).manager == cast.manager


def test_it_filters_and_enrolls_a_team_typed_by_name_on_the_enroll_page(
    cast: Cast, login: Login, low_limit: None
) -> None:
    org_services.person_create(
        organization=cast.org,
        email="nia@acme.example",
        name="Nia New",
        role=Role.REP,
        team=cast.other_team,
    )
    url = f"/programs/{cast.program.pk}/enrollments/new/"
    page = login(cast.owner).get(url).content.decode()
    assert 'id="g-team"' in page and 'id="f-team"' in page
    assert 'list="g-team-options"' in page and 'list="f-team-options"' in page
    assert "West 2</option>" not in page  # no team listed as an option
    suggested = login(cast.owner).get(url, {"lookup": "team", "team": "st 2"}).content.decode()
    assert _suggested(suggested) == ["West 2"]
    listed = login(cast.owner).get(url, {"team": "west 2", "team-typed": "1"}).content.decode()
    assert "Nia New" in listed
    assert 'name="team-typed" value="1">' in listed  # carried into "enroll everyone"
    response = login(cast.owner).post(url, {"scope": "all", "team": "West 2", "role": "rep"})
    assert response.status_code == 302
    assert cast.program.enrollments.filter(person__name="Nia New").exists()
    refused = login(cast.owner).post(url, {"scope": "all", "team": "West 9"})
    assert refused.status_code == 400 and "No team named “West 9”." in refused.content.decode()


names = st.text(min_size=1, max_size=40).filter(lambda s: s == s.strip())


# The addresses a login may have (what `normalize_login_email` lets through, roughly).
emails = st.from_regex(
    r"[a-z0-9._%+'-]{1,30}@[a-z0-9-]{1,20}(\.[a-z0-9-]{1,20}){1,3}", fullmatch=True
)


@given(name=names, email=emails)
def test_it_reads_back_any_name_and_email_it_shows(name: str, email: str) -> None:
    assert parse_email_label(email_label(name, email)) == (name, email)


@given(name=names.filter(lambda s: not s.endswith(">")))
def test_it_reads_a_bare_name_as_no_email(name: str) -> None:
    assert parse_email_label(name) is None


@given(
    prefix=st.text(alphabet="abcxyz ", max_size=5), a=st.integers(0, 10**6), b=st.integers(0, 10**6)
)
def test_it_orders_numbers_in_names_by_value(prefix: str, a: int, b: int) -> None:
    assert (natural_key(f"{prefix}{a}") < natural_key(f"{prefix}{b}")) == (a < b)
