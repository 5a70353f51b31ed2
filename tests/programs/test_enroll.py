"""Enrolling by team, region or role in one action, or from a filterable list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sustain.orgs import services as org_services
from sustain.orgs.models import Role
from sustain.programs import views as program_views
from sustain.programs.models import Enrollment
from tests.conftest import Api, Cast, Login, make_person
from tests.helpers import streamed


def _enrolled(cast: Cast) -> set[str]:
    return set(cast.program.enrollments.values_list("person__name", flat=True))


def test_it_enrolls_a_whole_team_in_one_action(login: Login, cast: Cast) -> None:
    cast.program.enrollments.all().delete()
    url = reverse("programs:enroll", args=[cast.program.pk])
    response = login(cast.owner).post(url, {"scope": "all", "team": cast.team.pk})
    assert response.status_code == 302
    assert _enrolled(cast) == {"Rita Rep"}
    assert Enrollment.objects.get(person=cast.rep).role == Role.REP


def test_it_enrolls_a_role_and_leaves_those_enrolled_alone(login: Login, cast: Cast) -> None:
    url = reverse("programs:enroll", args=[cast.program.pk])
    response = login(cast.owner).post(url, {"scope": "all", "role": Role.MANAGER}, follow=True)
    assert "Enrolled 1." in response.content.decode()
    assert "Otto Othermanager" in _enrolled(cast)
    assert cast.program.enrollments.count() == 4


def test_it_enrolls_a_region_but_not_the_deactivated(login: Login, cast: Cast) -> None:
    east = org_services.region_get_or_create(organization=cast.org, name="East")
    make_person(cast.org, "Ed East", Role.REP, region=east)
    gone = make_person(cast.org, "Gina Gone", Role.REP, region=east)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    url = reverse("programs:enroll", args=[cast.program.pk])
    login(cast.owner).post(url, {"scope": "all", "region": east.pk})
    assert {"Ed East"} == _enrolled(cast) - {"Rita Rep", "Mia Manager", "Oscar Otherrep"}


def test_the_list_shows_team_and_role_and_filters_by_them(login: Login, cast: Cast) -> None:
    cast.program.enrollments.all().delete()
    url = reverse("programs:enroll", args=[cast.program.pk])
    page = login(cast.owner).get(url, {"team": cast.other_team.pk}).content.decode()
    assert "Oscar Otherrep" in page and "West 2" in page and "Sales rep" in page
    assert "Rita Rep" not in page
    page = login(cast.owner).get(url, {"q": "rita"}).content.decode()
    assert "Rita Rep" in page and "Oscar Otherrep" not in page
    page = login(cast.owner).get(url, {"role": Role.MANAGER}).content.decode()
    assert "Mia Manager" in page and "Rita Rep" not in page


def test_the_list_leaves_out_people_already_enrolled(login: Login, cast: Cast) -> None:
    page = login(cast.owner).get(reverse("programs:enroll", args=[cast.program.pk]))
    html = page.content.decode()
    assert "Eve Executive" in html and "Rita Rep" not in html


def test_it_enrolls_the_people_ticked(login: Login, cast: Cast) -> None:
    url = reverse("programs:enroll", args=[cast.program.pk])
    response = login(cast.owner).post(
        url, {"scope": "selected", "people": [cast.executive.pk, cast.analyst.pk]}
    )
    assert response.status_code == 302
    assert {"Eve Executive", "Ana Analyst"} <= _enrolled(cast)


def test_it_asks_for_a_group_or_a_tick_and_enrolls_nobody(login: Login, cast: Cast) -> None:
    url = reverse("programs:enroll", args=[cast.program.pk])
    before = cast.program.enrollments.count()
    response = login(cast.owner).post(url, {"scope": "all"})
    assert response.status_code == 400
    assert "Pick a team, region or role" in response.content.decode()
    assert login(cast.owner).post(url, {"scope": "selected"}).status_code == 400
    assert cast.program.enrollments.count() == before


def test_the_enroll_page_is_for_program_editors(login: Login, cast: Cast) -> None:
    url = reverse("programs:enroll", args=[cast.program.pk])
    assert login(cast.rep).get(url).status_code == 403
    assert login(cast.outsider).get(url).status_code == 404
    other_team_url = reverse("programs:enroll", args=[cast.outsider_program.pk])
    assert (
        login(cast.owner).post(other_team_url, {"scope": "all", "role": "rep"}).status_code == 404
    )


def test_the_api_still_enrolls_one_person(api: Api, cast: Cast) -> None:
    response = api(cast.owner).post(
        f"/programs/{cast.program.pk}/enrollments", {"person": cast.analyst.pk, "role": "rep"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["person"] == cast.analyst.pk
    assert Enrollment.objects.get(person=cast.analyst).role == Role.REP


def test_the_api_enrolls_a_team_region_role_or_people(api: Api, cast: Cast) -> None:
    cast.program.enrollments.all().delete()
    owner = api(cast.owner)
    url = f"/programs/{cast.program.pk}/enrollments"
    body = owner.post(url, {"team": cast.other_team.pk}).json()
    assert body["enrolled"] == 1 and body["enrollments"][0]["name"] == "Oscar Otherrep"
    region = cast.team.region
    assert region is not None
    body = owner.post(url, {"region": region.pk, "role": "manager"}).json()
    assert body["enrolled"] == 2 and body["already_enrolled"] == 0
    body = owner.post(url, {"people": [cast.rep.pk, cast.other_rep.pk]}).json()
    assert body == {"enrolled": 1, "already_enrolled": 1, "enrollments": body["enrollments"]}
    assert _enrolled(cast) == {"Oscar Otherrep", "Mia Manager", "Otto Othermanager", "Rita Rep"}


def test_the_api_refuses_a_group_it_cannot_see(api: Api, cast: Cast) -> None:
    owner = api(cast.owner)
    url = f"/programs/{cast.program.pk}/enrollments"
    before = Enrollment.objects.count()
    assert owner.post(url, {"people": [cast.executive.pk, cast.outsider.pk]}).status_code == 404
    assert owner.post(url, {}).status_code == 400
    assert owner.post(url, {"role": "wizard"}).status_code in (400, 422)
    assert api(cast.rep).post(url, {"role": "rep"}).status_code == 403
    assert api(cast.outsider).post(url, {"role": "rep"}).status_code == 404
    assert Enrollment.objects.count() == before


def test_the_select_all_shown_script_is_served(client: Client) -> None:
    response = client.get("/static/programs/enroll.js")
    assert response.status_code == 200
    assert b"data-select-all" in streamed(response)


def test_it_counts_those_not_yet_enrolled_whether_or_not_the_list_is_cut(
    login: Login, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nine active people; Mia, Rita and Oscar are enrolled: six are not, one of them gone.
    cast.trainer.is_active = False
    cast.trainer.save(update_fields=["is_active"])
    url = reverse("programs:enroll", args=[cast.program.pk])
    page = login(cast.owner).get(url).content.decode()
    assert 'data-matching="5"' in page and "are shown" not in page
    monkeypatch.setattr(program_views, "SHOWN_AT_MOST", 2)
    page = login(cast.owner).get(url).content.decode()
    assert 'data-matching="5"' in page and "the first 2 are shown" in page
    page = login(cast.owner).get(url, {"role": Role.MANAGER}).content.decode()
    assert 'data-matching="1"' in page and "Otto Othermanager" in page
