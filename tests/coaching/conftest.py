from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sustain.coaching import services
from sustain.orgs.models import Person
from sustain.programs import services as program_services
from sustain.programs.models import Concept
from tests.conftest import Cast


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def trained(cast: Cast, today: dt.date) -> Cast:
    """The cast with everyone trained 30 days ago and a second concept."""
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    return cast


@pytest.fixture
def concept2(cast: Cast) -> Concept:
    return program_services.concept_create(program=cast.program, name="Closing", position=1)


def observation_payload(cast: Cast, today: dt.date, **overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "rep": cast.rep.pk,
        "date": today.isoformat(),
        "channel": "phone",
        "scores": [{"concept": cast.concept.pk, "score": 2, "evidence": "Pitched at minute 2."}],
        "diagnosis": "skill",
        "actions": [
            {
                "text": "Role-play discovery twice",
                "due": (today + dt.timedelta(days=14)).isoformat(),
            }
        ],
        "private_note": "Seemed distracted; check on workload.",
    }
    payload.update(overrides)
    return payload


def observe_scores(cast: Cast, rep: Person, date: dt.date, scores: dict[Concept, int]) -> None:
    """An observation of `rep` by her team's manager with these scores."""
    services.observation_create(
        observer=cast.manager if rep == cast.rep else cast.other_manager,
        rep=rep,
        date=date,
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": c.pk, "score": s, "evidence": ""} for c, s in scores.items()],
    )
