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


def grow(cast: Cast, *, teams: int, reps_per_team: int, day: dt.date, coached: bool = True) -> None:
    """Add trained teams with their managers and reps (bulk, for query-count tests)."""
    from sustain.orgs.models import Role, Team
    from sustain.programs.models import Enrollment

    start = Person.objects.count()
    managers = Person.objects.bulk_create(
        [
            Person(
                organization=cast.org,
                email=f"m{start + i}@acme.example",
                name=f"M {i}",
                role=Role.MANAGER,
            )
            for i in range(teams)
        ]
    )
    team_rows = Team.objects.bulk_create(
        [
            Team(organization=cast.org, name=f"T {start + i}", manager=m)
            for i, m in enumerate(managers)
        ]
    )
    reps = Person.objects.bulk_create(
        [
            Person(
                organization=cast.org,
                email=f"r{start}-{t.pk}-{j}@acme.example",
                name=f"R {t.pk}-{j}",
                role=Role.REP,
                team=t,
            )
            for t in team_rows
            for j in range(reps_per_team)
        ]
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(program=cast.program, person=r, trained_on=day - dt.timedelta(days=40))
            for r in reps
        ]
    )
    Observation.objects.bulk_create(
        [
            Observation(
                organization=cast.org,
                program=cast.program,
                rep=r,
                observer=managers[0],
                date=day - dt.timedelta(days=5),
                channel="field",
                diagnosis="skill",
            )
            for r in (reps[::2] if coached else [])
        ]
    )
