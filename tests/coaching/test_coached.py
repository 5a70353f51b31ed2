"""The analysis' `coached` attribute, derived from observations and the coaching cadence."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from sustain.analysis.attributes import attribute_values, available_attributes
from sustain.coaching import selectors, services
from sustain.coaching.models import CoachingPolicy, Observation
from sustain.metrics.models import RepAttribute
from sustain.orgs.models import Person
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

TRAINED = dt.date(2026, 1, 5)


def _observe(cast: Cast, rep: Person, *days: int) -> None:
    for day in days:
        Observation.objects.create(
            organization=cast.org,
            program=cast.program,
            rep=rep,
            observer=cast.manager if rep == cast.rep else cast.other_manager,
            date=TRAINED + dt.timedelta(days=day),
            channel="phone",
            diagnosis="skill",
        )


def _labels(cast: Cast, as_of: dt.date) -> dict[int, str]:
    return attribute_values(cast.org, "coached", as_of)


@pytest.fixture
def trained(cast: Cast) -> Cast:
    cast.program.enrollments.update(trained_on=TRAINED)
    return cast


def test_it_calls_a_rep_observed_every_two_weeks_coached(trained: Cast) -> None:
    _observe(trained, trained.rep, *range(14, 91, 14))
    labels = _labels(trained, TRAINED + dt.timedelta(days=120))
    assert labels[trained.rep.pk] == "yes"
    assert labels[trained.other_rep.pk] == "no"  # never observed: on time 15 days of 90


def test_it_calls_a_rep_who_stopped_after_week_4_not_coached(trained: Cast) -> None:
    # Weeks 1 and 3: on time until day 36 of 90.
    _observe(trained, trained.rep, 7, 21)
    assert _labels(trained, TRAINED + dt.timedelta(days=200))[trained.rep.pk] == "no"
    # Two more keep her on time until day 65: most of the 90 days.
    _observe(trained, trained.rep, 35, 50)
    assert _labels(trained, TRAINED + dt.timedelta(days=200))[trained.rep.pk] == "yes"


def test_it_needs_two_thirds_of_the_days_on_time(trained: Cast) -> None:
    _observe(trained, trained.rep, 15, 30)  # due by day 45: on time days 1-45 of 90
    data = selectors.cadence_data(reps=Person.objects.filter(pk=trained.rep.pk))
    on_time, elapsed = data.intensive_on_time(data.enrollments[0], TRAINED + dt.timedelta(100))
    assert (on_time, elapsed) == (45, 90)
    assert _labels(trained, TRAINED + dt.timedelta(days=100))[trained.rep.pk] == "no"
    _observe(trained, trained.rep, 45)  # on time days 1-60: exactly two thirds
    assert _labels(trained, TRAINED + dt.timedelta(days=100))[trained.rep.pk] == "yes"


def test_it_follows_the_programs_policy(trained: Cast) -> None:
    _observe(trained, trained.rep, 7, 21, 45)
    # 2 a month: overdue days 37-44 and 61-90, on time 52 of 90 days.
    assert _labels(trained, TRAINED + dt.timedelta(days=200))[trained.rep.pk] == "no"
    CoachingPolicy.objects.create(
        program=trained.program, intensive_per_month=1, steady_per_month=1
    )
    # Once a month: on time until day 75.
    assert _labels(trained, TRAINED + dt.timedelta(days=200))[trained.rep.pk] == "yes"


def test_it_judges_only_the_elapsed_part_and_not_too_early(trained: Cast) -> None:
    _observe(trained, trained.rep, 10, 24)
    labels = _labels(trained, TRAINED + dt.timedelta(days=40))
    assert labels[trained.rep.pk] == "yes"  # on time 39 of 40 days
    assert labels[trained.other_rep.pk] == "no"  # 15 of 40
    early = _labels(trained, TRAINED + dt.timedelta(days=29))
    assert early[trained.rep.pk] == early[trained.other_rep.pk] == "too early"


def test_it_labels_untrained_reps_and_only_the_orgs(cast: Cast) -> None:
    labels = _labels(cast, TRAINED)
    assert set(labels) == {cast.rep.pk, cast.other_rep.pk}
    assert set(labels.values()) == {"not trained"}


def test_it_ignores_observations_after_the_date(trained: Cast) -> None:
    _observe(trained, trained.other_rep, *range(42, 91, 14))
    assert _labels(trained, TRAINED + dt.timedelta(days=40))[trained.other_rep.pk] == "no"
    assert _labels(trained, TRAINED + dt.timedelta(days=120))[trained.other_rep.pk] == "yes"


def test_it_shadows_a_stored_coached_attribute(trained: Cast) -> None:
    RepAttribute.objects.create(rep=trained.rep, name="coached", value="yes")
    assert _labels(trained, TRAINED + dt.timedelta(days=120))[trained.rep.pk] == "no"
    keys = [k for k, _label in available_attributes(trained.org)]
    assert keys.count("coached") == 1


def test_it_uses_a_fixed_number_of_queries(
    trained: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    _observe(trained, trained.rep, *range(14, 91, 14))
    with django_assert_max_num_queries(4):
        _labels(trained, TRAINED + dt.timedelta(days=120))


def test_it_reads_observations_made_through_the_service(trained: Cast) -> None:
    today = TRAINED + dt.timedelta(days=120)
    services.observation_create(
        observer=trained.manager,
        rep=trained.rep,
        date=TRAINED + dt.timedelta(days=5),
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": trained.concept.pk, "score": 3, "evidence": ""}],
    )
    assert selectors.cadence_data(reps=Person.objects.filter(pk=trained.rep.pk)).dates
    assert _labels(trained, today)[trained.rep.pk] == "no"
