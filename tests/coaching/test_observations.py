from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sustain.coaching.models import DevelopmentAction, Observation, ObservationScore
from sustain.programs.models import Concept
from tests.coaching.conftest import observation_payload
from tests.conftest import Api, Cast, Login

pytestmark = pytest.mark.django_db


def test_it_records_an_observation_through_the_api(trained: Cast, api: Api, today: dt.date) -> None:
    r = api(trained.manager).post("/observations", observation_payload(trained, today))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["rep"] == trained.rep.pk
    assert body["scores"] == [
        {
            "concept": trained.concept.pk,
            "concept_name": "Discovery",
            "score": 2,
            "level": "Developing",
            "evidence": "Pitched at minute 2.",
        }
    ]
    assert body["diagnosis"] == "skill"
    assert body["actions"][0]["text"] == "Role-play discovery twice"
    assert body["private_note"] == "Seemed distracted; check on workload."
    obs = Observation.objects.get()
    assert obs.observer == trained.manager and obs.program == trained.program


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"scores": [{"concept": 0, "score": 5, "evidence": ""}]}, "scores"),
        ({"date": "2999-01-01"}, "date"),
        ({"diagnosis": "bad_luck"}, "diagnosis"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"actions": [{"text": "Read the book", "due": "2000-01-01"}]}, "actions"),
    ],
)
def test_it_rejects_bad_input_and_writes_nothing(
    trained: Cast, api: Api, today: dt.date, override: dict[str, object], field: str
) -> None:
    if field == "scores":
        override = {"scores": [{"concept": trained.concept.pk, "score": 5, "evidence": ""}]}
    r = api(trained.manager).post("/observations", observation_payload(trained, today, **override))
    assert r.status_code == 400, r.content
    assert field in r.json()["errors"]
    assert r.json()["detail"]
    assert not Observation.objects.exists()
    assert not ObservationScore.objects.exists()
    assert not DevelopmentAction.objects.exists()


def test_it_explains_a_score_of_5(trained: Cast, api: Api, today: dt.date) -> None:
    payload = observation_payload(
        trained, today, scores=[{"concept": trained.concept.pk, "score": 5, "evidence": ""}]
    )
    detail = api(trained.manager).post("/observations", payload).json()["detail"]
    assert "1 to 4" in detail


def test_it_rejects_a_concept_of_another_organization(
    trained: Cast, api: Api, today: dt.date
) -> None:
    from sustain.programs import services

    foreign = services.concept_create(program=trained.outsider_program, name="Theirs")
    payload = observation_payload(
        trained, today, scores=[{"concept": foreign.pk, "score": 3, "evidence": ""}]
    )
    assert api(trained.manager).post("/observations", payload).status_code == 400
    assert not Observation.objects.exists()


def test_it_needs_at_least_one_score(trained: Cast, api: Api, today: dt.date) -> None:
    r = api(trained.manager).post("/observations", observation_payload(trained, today, scores=[]))
    assert r.status_code == 422
    assert not Observation.objects.exists()


def test_it_hides_the_private_note_from_the_rep(
    trained: Cast, api: Api, login: Login, today: dt.date
) -> None:
    obs_id = (
        api(trained.manager).post("/observations", observation_payload(trained, today)).json()["id"]
    )
    assert api(trained.rep).get(f"/observations/{obs_id}").json()["private_note"] is None
    listed = api(trained.rep).get(f"/reps/{trained.rep.pk}/observations").json()["items"]
    assert [o["private_note"] for o in listed] == [None]
    page = login(trained.rep).get(f"/coaching/observations/{obs_id}/")
    assert page.status_code == 200
    assert b"Role-play discovery twice" in page.content
    assert b"distracted" not in page.content
    assert b"distracted" in login(trained.manager).get(f"/coaching/observations/{obs_id}/").content
    assert (
        b"distracted" not in login(trained.owner).get(f"/coaching/observations/{obs_id}/").content
    )


def test_it_records_an_observation_from_the_page(
    trained: Cast, login: Login, today: dt.date, concept2: Concept
) -> None:
    client = login(trained.manager)
    assert client.get(f"/coaching/reps/{trained.rep.pk}/observe/").status_code == 200
    due = today + dt.timedelta(days=7)
    r = client.post(
        f"/coaching/reps/{trained.rep.pk}/observe/",
        {
            "date": today.isoformat(),
            "channel": "field",
            f"score_{trained.concept.pk}": "3",
            f"evidence_{trained.concept.pk}": "Good impact questions",
            f"score_{concept2.pk}": "",
            "diagnosis": "knowledge",
            "action_text_1": "Review the value statement card",
            "action_due_1": due.isoformat(),
            "private_note": "",
        },
    )
    obs = Observation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/coaching/observations/{obs.pk}/"
    assert [s.concept for s in obs.scores.all()] == [trained.concept]
    assert obs.actions.get().due == due


def test_it_shows_the_page_error_next_to_the_date(
    trained: Cast, login: Login, today: dt.date
) -> None:
    r = login(trained.manager).post(
        f"/coaching/reps/{trained.rep.pk}/observe/",
        {
            "date": (today + dt.timedelta(days=3)).isoformat(),
            "channel": "field",
            f"score_{trained.concept.pk}": "3",
            "diagnosis": "skill",
        },
    )
    assert r.status_code == 200
    assert "cannot be dated in the future" in r.content.decode()
    assert not Observation.objects.exists()


def test_it_asks_for_a_score_on_the_page(trained: Cast, login: Login, today: dt.date) -> None:
    r = login(trained.manager).post(
        f"/coaching/reps/{trained.rep.pk}/observe/",
        {
            "date": today.isoformat(),
            "channel": "field",
            "diagnosis": "skill",
        },
    )
    assert "Score at least one concept" in r.content.decode()
    assert not Observation.objects.exists()


def test_it_keeps_not_observed_apart_from_the_lowest_score(trained: Cast, login: Login) -> None:
    page = login(trained.manager).get(f"/coaching/reps/{trained.rep.pk}/observe/").content
    select = page.decode().split(f'name="score_{trained.concept.pk}"')[1].split("</select>")[0]
    assert '<option value="" selected>— not observed this time (no score)</option>' in select
    assert '<option value="1">Not yet</option>' in select
    assert "Not observed" not in select


def test_it_shows_the_rep_her_actions_and_trend(
    trained: Cast, api: Api, login: Login, today: dt.date
) -> None:
    api(trained.manager).post("/observations", observation_payload(trained, today))
    page = login(trained.rep).get(f"/coaching/reps/{trained.rep.pk}/").content.decode()
    assert "Role-play discovery twice" in page
    assert "trend-spec" in page
    home = login(trained.rep).get("/").content.decode()
    assert "Role-play discovery twice" in home


def test_it_refuses_a_rep_not_enrolled_in_the_program(
    trained: Cast, api: Api, today: dt.date
) -> None:
    trained.program.enrollments.filter(person=trained.rep).delete()
    r = api(trained.manager).post("/observations", observation_payload(trained, today))
    assert r.status_code == 400 and "rep" in r.json()["errors"]
    assert not Observation.objects.exists()


def test_it_documents_the_endpoints_in_openapi(cast: Cast, client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/observations",
        "/api/v1/teams/{team_id}/coverage",
        "/api/v1/managers/{manager_id}/certification",
    ):
        assert path in paths


def test_the_page_refuses_evidence_the_api_refuses(
    trained: Cast, api: Api, login: Login, today: dt.date
) -> None:
    evidence = "x" * 4001
    # The page's evidence had no limit: the service refused it, apart from the field.
    r = login(trained.manager).post(
        f"/coaching/reps/{trained.rep.pk}/observe/",
        {
            "date": today.isoformat(),
            "channel": "field",
            f"score_{trained.concept.pk}": "3",
            f"evidence_{trained.concept.pk}": evidence,
            "diagnosis": "skill",
        },
    )
    assert r.context["form"].errors[f"evidence_{trained.concept.pk}"]
    scores = [{"concept": trained.concept.pk, "score": 2, "evidence": evidence}]
    payload = observation_payload(trained, today, scores=scores)
    assert api(trained.manager).post("/observations", payload).status_code == 422
    assert not Observation.objects.exists()
