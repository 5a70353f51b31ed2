from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sustain.coaching.models import Observation
from sustain.orgs.models import Person
from tests.conftest import Cast


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def trained(cast: Cast, today: dt.date) -> Cast:
    """The cast with everyone trained 30 days ago."""
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    return cast


def observe(cast: Cast, rep: Person, observer: Person, day: dt.date) -> Observation:
    return Observation.objects.create(
        organization=cast.org,
        program=cast.program,
        rep=rep,
        observer=observer,
        date=day,
        channel="field",
        diagnosis="skill",
    )
