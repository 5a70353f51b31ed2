"""`sustain demo --reps N`: the demo at another size, the same data for the same N."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from sustain.coaching.models import Observation, ObservationScore
from sustain.demo.context import DemoContext
from sustain.demo.scale import CARDS_PER_REP, KPI_WEEKS, grow
from sustain.metrics.models import KpiValue
from sustain.orgs.models import Person, Region, Role, Team
from sustain.programs.models import Enrollment
from sustain.refreshers.models import Card, Review


def test_it_builds_a_smaller_demo_with_every_team(db: None) -> None:
    call_command("demo", "--reps", "60")
    assert Person.objects.filter(role=Role.REP).count() == 60
    assert Team.objects.count() == 9 and Region.objects.count() == 3
    assert set(Team.objects.values_list("members__role", flat=True)) >= {Role.REP}
    assert Enrollment.objects.filter(role=Role.REP).count() == 60


def test_it_refuses_fewer_reps_than_teams(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("demo", "--reps", "3")
    assert not Person.objects.exists()


def _counts() -> dict[str, int]:
    reps = Person.objects.filter(role=Role.REP)
    return {
        "reps": reps.count(),
        "managers": Person.objects.filter(role=Role.MANAGER).count(),
        "teams": Team.objects.count(),
        "regions": Region.objects.count(),
        "enrolled": Enrollment.objects.filter(person__in=reps).count(),
        "trained": Enrollment.objects.filter(person__in=reps, trained_on__isnull=False).count(),
        "kpi values": KpiValue.objects.count(),
        "observations": Observation.objects.count(),
        "scores": ObservationScore.objects.count(),
        "cards": Card.objects.count(),
        "reviews": Review.objects.count(),
    }


def test_it_grows_the_demo_in_its_proportions(demo: DemoContext) -> None:
    before = _counts()
    grow(demo, reps=90)  # ten teams of nine, in four regions
    after = _counts()
    grown = {k: after[k] - before[k] for k in after}
    assert grown["reps"] == 90 and grown["enrolled"] == 90
    assert grown["managers"] == grown["teams"] == 10 and grown["regions"] == 4
    # Teams take the two cohorts and the comparison group in turn: 4, 3 and 3 teams.
    assert grown["trained"] == 7 * 9
    assert grown["kpi values"] == 90 * KPI_WEEKS * 2
    assert grown["cards"] == grown["reviews"] == 7 * 9 * CARDS_PER_REP
    assert grown["scores"] == 2 * grown["observations"] > 0


def _grown_once(demo: DemoContext) -> list[tuple[str, str, float]]:
    with transaction.atomic():
        grow(demo, reps=18)
        rows = list(
            KpiValue.objects.filter(rep__name__startswith="Rep ")
            .order_by("rep__name", "period", "kpi__key")
            .values_list("rep__name", "kpi__key", "value")
        )
        transaction.set_rollback(True)
    return rows


def test_it_grows_the_same_way_each_time(demo: DemoContext) -> None:
    first = _grown_once(demo)
    assert len(first) == 18 * KPI_WEEKS * 2
    assert _grown_once(demo) == first
