"""The coaching rows of the access matrix: role x object x read/write, pages and API."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.coaching import services
from sustain.coaching.models import Observation, RubricBehaviour
from sustain.orgs.models import Organization
from tests.coaching.conftest import observation_payload
from tests.conftest import Api, Cast, Login
from tests.helpers import matrix_cases


@pytest.fixture
def obs(trained: Cast, today: dt.date) -> Observation:
    return services.observation_create(
        observer=trained.manager,
        rep=trained.rep,
        date=today,
        channel="video",
        diagnosis="will",
        private_note="Secret note",
        scores=[{"concept": trained.concept.pk, "score": 2, "evidence": "ok"}],
    )


READ = {
    #                   exe  own  ana  adm  man  oman rep  orep trn  out
    "observation_api": [200, 200, 200, 200, 200, 404, 200, 404, 404, 404],
    "observation_page": [200, 200, 200, 200, 200, 404, 200, 404, 404, 404],
    "rep_api": [200, 200, 200, 200, 200, 404, 200, 404, 404, 404],
    "rep_page": [200, 200, 200, 200, 200, 404, 200, 404, 404, 404],
    "team_coverage": [200, 200, 200, 200, 200, 404, 404, 404, 404, 404],
    "manager_coverage": [200, 200, 200, 200, 200, 404, 404, 404, 404, 404],
    "program_page": [200, 200, 200, 200, 200, 200, 302, 302, 200, 404],
    "rubric_api": [200, 200, 200, 200, 200, 200, 200, 200, 200, 404],
}


def _url(kind: str, c: Cast, o: Observation) -> tuple[str, str]:
    return {
        "observation_api": ("api", f"/observations/{o.pk}"),
        "observation_page": ("page", f"/coaching/observations/{o.pk}/"),
        "rep_api": ("api", f"/reps/{c.rep.pk}/observations"),
        "rep_page": ("page", f"/coaching/reps/{c.rep.pk}/"),
        "team_coverage": ("api", f"/teams/{c.team.pk}/coverage"),
        "manager_coverage": ("api", f"/managers/{c.manager.pk}/coverage"),
        "program_page": ("page", f"/coaching/program/{c.program.pk}/"),
        "rubric_api": ("api", f"/programs/{c.program.pk}/rubric"),
    }[kind]


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(READ))
def test_it_applies_coaching_read_rules(
    trained: Cast, obs: Observation, api: Api, login: Login, kind: str, role: str, expected: int
) -> None:
    how, path = _url(kind, trained, obs)
    viewer = trained.by_role(role)
    r = api(viewer).get(path) if how == "api" else login(viewer).get(path)
    assert r.status_code == expected


WRITE = {
    #                  exe  own  ana  adm  man  oman rep  orep trn  out
    "observe_api": [201, 201, 403, 201, 201, 404, 403, 404, 404, 404],
    "observe_page": [200, 200, 403, 200, 200, 404, 403, 404, 404, 404],
    "behaviour_api": [201, 201, 403, 201, 403, 403, 403, 403, 403, 404],
    "behaviour_page": [200, 200, 403, 200, 403, 403, 403, 403, 403, 404],
    "policy_page": [200, 200, 403, 200, 403, 403, 403, 403, 403, 404],
}


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(WRITE))
def test_it_applies_coaching_write_rules(
    trained: Cast, api: Api, login: Login, today: dt.date, kind: str, role: str, expected: int
) -> None:
    viewer = trained.by_role(role)
    if kind == "observe_api":
        r = api(viewer).post("/observations", observation_payload(trained, today))
        assert r.status_code == expected
        assert Observation.objects.exists() == (expected == 201)
    elif kind == "behaviour_api":
        r = api(viewer).post(
            f"/concepts/{trained.concept.pk}/behaviours",
            {
                "name": "Asks impact questions",
                "level_1": "a",
                "level_2": "b",
                "level_3": "c",
                "level_4": "d",
            },
        )
        assert r.status_code == expected
        assert RubricBehaviour.objects.exists() == (expected == 201)
    else:
        path = {
            "observe_page": f"/coaching/reps/{trained.rep.pk}/observe/",
            "behaviour_page": f"/coaching/concepts/{trained.concept.pk}/behaviours/new/",
            "policy_page": f"/coaching/program/{trained.program.pk}/policy/",
        }[kind]
        assert login(viewer).get(path).status_code == expected


def test_it_shows_the_trainer_aggregates_only(
    trained: Cast, obs: Observation, login: Login
) -> None:
    Organization.objects.filter(pk=trained.org.pk).update(min_group_size=2)  # the cast has 2 reps
    page = login(trained.trainer).get(f"/coaching/program/{trained.program.pk}/")
    html = page.content.decode()
    assert "Skill distribution per concept" in html
    assert "Rita Rep" not in html and "Mia Manager" not in html
    assert "Oscar Otherrep" not in html


def test_it_withholds_the_trainers_aggregates_below_k(
    trained: Cast, obs: Observation, login: Login
) -> None:
    html = login(trained.trainer).get(f"/coaching/program/{trained.program.pk}/").content.decode()
    assert "fewer than 5 reps" in html
    assert "Skill distribution per concept" not in html and 'data-testid="coverage"' not in html
    manager = login(trained.manager).get(f"/coaching/program/{trained.program.pk}/").content
    assert b"Skill distribution per concept" in manager


def test_it_denies_a_manager_another_teams_rep(
    trained: Cast, obs: Observation, api: Api, login: Login, today: dt.date
) -> None:
    other = api(trained.other_manager)
    assert other.post("/observations", observation_payload(trained, today)).status_code == 404
    assert other.get(f"/observations/{obs.pk}").status_code == 404
    assert login(trained.other_manager).get(f"/coaching/reps/{trained.rep.pk}/").status_code == 404
    assert Observation.objects.count() == 1


def test_it_never_shows_the_rep_the_private_note(
    trained: Cast, obs: Observation, api: Api, login: Login
) -> None:
    assert api(trained.rep).get(f"/observations/{obs.pk}").json()["private_note"] is None
    assert (
        api(trained.manager).get(f"/observations/{obs.pk}").json()["private_note"] == "Secret note"
    )
    assert b"Secret note" not in login(trained.rep).get(f"/coaching/observations/{obs.pk}/").content


# Who reads the private note: its author (here the rep's manager) and the rep's current
# manager only. None means the observation is readable but the note is withheld.
PRIVATE_NOTE = {
    "executive": None,
    "owner": None,
    "analyst": None,
    "admin": None,
    "manager": "Secret note",
    "rep": None,
}


@pytest.mark.parametrize(("role", "expected"), PRIVATE_NOTE.items())
def test_it_shows_the_private_note_to_its_author_and_the_reps_manager_only(
    trained: Cast, obs: Observation, api: Api, login: Login, role: str, expected: str | None
) -> None:
    person = trained.by_role(role)
    assert api(person).get(f"/observations/{obs.pk}").json()["private_note"] == expected
    listed = api(person).get(f"/reps/{trained.rep.pk}/observations").json()["items"]
    assert [o["private_note"] for o in listed] == [expected]
    page = login(person).get(f"/coaching/observations/{obs.pk}/").content
    assert (b"Secret note" in page) == (expected is not None)


def test_it_shows_the_private_note_to_a_leader_who_wrote_it_and_to_the_new_manager(
    trained: Cast, api: Api, today: dt.date
) -> None:
    obs = services.observation_create(
        observer=trained.executive,
        rep=trained.rep,
        date=today,
        channel="video",
        diagnosis="will",
        private_note="Exec note",
        scores=[{"concept": trained.concept.pk, "score": 2, "evidence": "ok"}],
    )
    assert api(trained.executive).get(f"/observations/{obs.pk}").json()["private_note"]
    assert api(trained.manager).get(f"/observations/{obs.pk}").json()["private_note"]
    assert api(trained.admin).get(f"/observations/{obs.pk}").json()["private_note"] is None


ACTION_DONE = {
    #           exe  own  ana  adm  man  oman rep  orep trn  out
    "api": [200, 200, 403, 200, 200, 404, 200, 404, 404, 404],
}


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(ACTION_DONE))
def test_it_lets_the_rep_and_her_coach_mark_an_action_done(
    trained: Cast, api: Api, today: dt.date, kind: str, role: str, expected: int
) -> None:
    obs = services.observation_create(
        observer=trained.manager,
        rep=trained.rep,
        date=today,
        channel="video",
        diagnosis="will",
        scores=[{"concept": trained.concept.pk, "score": 2, "evidence": ""}],
        actions=[{"text": "Read the card", "due": today}],
    )
    action = obs.actions.get()
    assert api(trained.by_role(role)).post(f"/actions/{action.pk}/done").status_code == expected
    action.refresh_from_db()
    assert (action.done_on == today) == (expected == 200)


def test_it_marks_an_action_done_from_the_reps_page(
    trained: Cast, login: Login, today: dt.date
) -> None:
    obs = services.observation_create(
        observer=trained.manager,
        rep=trained.rep,
        date=today,
        channel="video",
        diagnosis="will",
        scores=[{"concept": trained.concept.pk, "score": 2, "evidence": ""}],
        actions=[{"text": "Read the card", "due": today}],
    )
    client = login(trained.rep)
    assert client.post(f"/coaching/actions/{obs.actions.get().pk}/done/").status_code == 302
    assert obs.actions.get().done_on == today
    assert (
        "No open development actions"
        in client.get(f"/coaching/reps/{trained.rep.pk}/").content.decode()
    )


def test_it_filters_the_distribution_by_team(trained: Cast, obs: Observation, login: Login) -> None:
    client = login(trained.owner)
    r = client.get(f"/coaching/program/{trained.program.pk}/?team={trained.other_team.pk}")
    assert r.status_code == 200
    assert r.context["dist_team"] == trained.other_team
    assert r.context["distribution_spec"]["data"]["values"] == []
    assert (
        login(trained.manager)
        .get(f"/coaching/program/{trained.program.pk}/?team={trained.other_team.pk}")
        .status_code
        == 404
    )
