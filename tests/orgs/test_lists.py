"""The people and teams pages at any size: one page of 50 rows, a search, filters, the count
of matches, and links to the other pages that keep the search."""

from __future__ import annotations

import re

from sustain.orgs import services
from sustain.orgs.models import Person, Role, Team
from tests.conftest import Cast, Login


def _add_reps(cast: Cast, n: int) -> None:
    Person.objects.bulk_create(
        Person(
            organization=cast.org,
            name=f"Zed {i:03d}",
            email=f"zed{i:03d}@acme.example",
            role=Role.REP,
            team=cast.team,
        )
        for i in range(n)
    )


def test_it_pages_120_people_in_pages_of_50(cast: Cast, login: Login) -> None:
    _add_reps(cast, 120)  # and the cast's 9: 129 people, three pages
    client = login(cast.admin)
    first = client.get("/people/").content.decode()
    third = client.get("/people/?page=3").content.decode()
    assert "Page 1 of 3" in first and "129 people match" in first
    assert "Page 3 of 3" in third and "Zed 119" in third and "Zed 119" not in first
    assert third.count('<tr><td><a href="/people/') == 29


def test_it_finds_one_person_by_email(cast: Cast, login: Login) -> None:
    _add_reps(cast, 120)
    page = login(cast.admin).get("/people/?q=zed042@").content.decode()
    assert "1 person matches" in page and "Zed 042" in page and "Zed 043" not in page


def test_it_keeps_the_search_in_the_page_links(cast: Cast, login: Login) -> None:
    _add_reps(cast, 120)
    page = login(cast.admin).get("/people/?q=zed&role=rep").content.decode()
    assert "Page 1 of 3" in page
    assert 'href="?q=zed&amp;role=rep&amp;page=2"' in page


def test_it_never_shows_an_outsiders_people(cast: Cast, login: Login) -> None:
    client = login(cast.admin)
    assert "Xavier" not in client.get("/people/").content.decode()
    assert "Nobody matches" in client.get("/people/?q=xavier").content.decode()


def test_it_shows_a_manager_herself_and_her_reps_only(cast: Cast, login: Login) -> None:
    page = login(cast.manager).get("/people/").content.decode()
    assert "Mia Manager" in page and "Rita Rep" in page
    assert "Oscar" not in page and "Olga Owner" not in page and "2 people match" in page


def test_it_filters_people_by_role_team_and_status(cast: Cast, login: Login) -> None:
    services.person_deactivate(person=cast.other_rep)
    client = login(cast.admin)
    reps = client.get("/people/?role=rep").content.decode()
    assert "Rita Rep" in reps and "Oscar" in reps and "Olga Owner" not in reps
    west2 = client.get("/people/?team=west 2").content.decode()
    assert "Oscar" in west2 and "Rita Rep" not in west2
    gone = client.get("/people/?active=no").content.decode()
    assert "Oscar" in gone and "1 person matches" in gone
    assert "Oscar" not in client.get("/people/?active=yes").content.decode()


def test_it_keeps_the_people_actions_for_an_admin(cast: Cast, login: Login) -> None:
    page = login(cast.admin).get("/people/").content.decode()
    assert "/people/new/" in page and "/people/import/" in page
    assert f"/people/{cast.rep.pk}/" in page


def test_it_pages_and_searches_teams(cast: Cast, login: Login) -> None:
    Team.objects.bulk_create(Team(organization=cast.org, name=f"Zone {i:03d}") for i in range(60))
    client = login(cast.executive)
    first = client.get("/teams/").content.decode()
    assert "62 teams" in first and "Page 1 of 2" in first and "Zone 059" not in first
    assert "Zone 059" in client.get("/teams/?page=2").content.decode()
    by_manager = client.get("/teams/?q=otto").content.decode()
    assert "West 2" in by_manager and "West 1<" not in by_manager and "1 team matches" in by_manager


def test_it_counts_each_teams_reps(cast: Cast, login: Login) -> None:
    _add_reps(cast, 3)
    page = login(cast.executive).get("/teams/?q=west 1").content.decode()
    assert '<td class="num">4</td>' in page


def test_it_shows_a_manager_only_her_team(cast: Cast, login: Login) -> None:
    page = login(cast.manager).get("/teams/").content.decode()
    assert "West 1" in page and "West 2" not in page and "1 team." in page
    outsider = login(cast.outsider).get("/teams/?q=west").content.decode()
    assert "West 1" not in outsider and "No teams you can see" in outsider


def test_it_counts_each_regions_teams_and_people_and_pages_them(cast: Cast, login: Login) -> None:
    page = login(cast.admin).get("/organization/").content.decode()
    # West: teams West 1 and West 2; people Mia, Otto, Rita and Oscar.
    assert re.search(r"West</a></td><td class=\"num\">2</td><td class=\"num\">4</td>", page)
    for i in range(55):
        services.region_get_or_create(organization=cast.org, name=f"Zone {i:02d}")
    first = login(cast.admin).get("/organization/").content.decode()
    assert "Page 1 of 2" in first and "Zone 54" not in first
    assert "Zone 54" in login(cast.admin).get("/organization/?page=2").content.decode()
