"""An observation costs the same number of queries whatever its number of scores."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sustain.coaching import services
from sustain.programs import services as program_services
from tests.conftest import Cast


def _observe(cast: Cast, today: dt.date, concepts: list[int]) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.observation_create(
            observer=cast.manager,
            rep=cast.rep,
            date=today,
            channel="phone",
            diagnosis="skill",
            scores=[{"concept": c, "score": 3} for c in concepts],
        )
    return len(queries)


def test_an_observation_costs_the_same_queries_for_one_score_or_six(
    trained: Cast, today: dt.date
) -> None:
    more = [
        program_services.concept_create(program=trained.program, name=f"C{n}", position=n + 1).pk
        for n in range(5)
    ]
    assert _observe(trained, today, [trained.concept.pk]) == _observe(
        trained, today, [trained.concept.pk, *more]
    )
