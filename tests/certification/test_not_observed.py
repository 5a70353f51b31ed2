"""A concept the role-play did not show is "not observed": a choice of its own, stored as
no score, left out of the average, and not a pass either."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sustain.certification import selectors
from sustain.certification.models import RoleModelAssessment, RoleModelScore
from sustain.programs import services as program_services
from sustain.programs.models import Concept
from tests.conftest import Api, Cast, Login

pytestmark = pytest.mark.django_db


@pytest.fixture
def objections(cast: Cast) -> Concept:
    return program_services.concept_create(program=cast.program, name="Objections")


def _assess_url(cast: Cast) -> str:
    return f"/certification/program/{cast.program.pk}/managers/{cast.manager.pk}/assess/"


def _role_model(cast: Cast, today: dt.date) -> dict[str, Any]:
    row = selectors.certification_rows(program=cast.program, managers=[cast.manager], today=today)
    role_model: dict[str, Any] = row[0]["components"]["role_model"]
    return role_model


def test_it_offers_not_observed_apart_from_the_scores(
    cast: Cast, objections: Concept, login: Login
) -> None:
    page = login(cast.trainer).get(_assess_url(cast)).content.decode()
    assert 'value="not_observed"' in page
    assert "Not observed in this role-play" in page
    select = page.split(f'name="score_{objections.pk}"')[1].split("</select>")[0]
    assert select.count("selected") == 1
    assert 'value="" selected' in select


def test_it_stores_not_observed_as_no_score_and_leaves_it_out_of_the_average(
    cast: Cast, objections: Concept, login: Login, today: dt.date
) -> None:
    r = login(cast.trainer).post(
        _assess_url(cast),
        {
            "date": today.isoformat(),
            f"score_{cast.concept.pk}": "4",
            f"score_{objections.pk}": "not_observed",
        },
    )
    assert r.status_code == 302
    assert RoleModelScore.objects.get(concept=objections).score is None
    component = _role_model(cast, today)
    assert "scored 4.00 on average" in component["evidence"]
    assert "1 of 2 concepts not observed" in component["evidence"]
    assert component["passed"] is False


def test_it_accepts_null_as_not_observed_through_the_api(
    cast: Cast, objections: Concept, api: Api, today: dt.date
) -> None:
    r = api(cast.owner).post(
        f"/programs/{cast.program.pk}/managers/{cast.manager.pk}/role-model",
        {
            "date": today.isoformat(),
            "scores": [
                {"concept": cast.concept.pk, "score": 3},
                {"concept": objections.pk, "score": None},
            ],
        },
    )
    assert r.status_code == 201, r.content
    assert "not observed" in r.json()["components"]["role_model"]["evidence"]
    assert RoleModelScore.objects.get(concept=objections).score is None


def test_it_refuses_a_role_play_where_nothing_was_observed(
    cast: Cast, objections: Concept, api: Api, login: Login, today: dt.date
) -> None:
    r = api(cast.owner).post(
        f"/programs/{cast.program.pk}/managers/{cast.manager.pk}/role-model",
        {
            "date": today.isoformat(),
            "scores": [
                {"concept": cast.concept.pk, "score": None},
                {"concept": objections.pk, "score": None},
            ],
        },
    )
    assert r.status_code == 400
    assert "at least one concept" in r.json()["errors"]["scores"][0]
    page = login(cast.trainer).post(
        _assess_url(cast),
        {
            "date": today.isoformat(),
            f"score_{cast.concept.pk}": "not_observed",
            f"score_{objections.pk}": "not_observed",
        },
    )
    assert page.status_code == 200
    assert "at least one concept" in page.content.decode()
    assert not RoleModelAssessment.objects.exists()


def test_it_passes_when_every_concept_is_scored_at_the_bar(
    cast: Cast, objections: Concept, login: Login, today: dt.date
) -> None:
    login(cast.trainer).post(
        _assess_url(cast),
        {
            "date": today.isoformat(),
            f"score_{cast.concept.pk}": "4",
            f"score_{objections.pk}": "3",
        },
    )
    assert _role_model(cast, today)["passed"] is True
