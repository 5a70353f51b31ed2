"""The trained and comparison counts on the analysis page, the report and the home panel,
counted in the database: trained = reps enrolled with a training day up to today;
comparison = every other rep of the organization."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sustain.analysis.leadership import leadership_for, leadership_of
from sustain.metrics.models import KpiDefinition
from sustain.orgs.models import Role
from sustain.programs import services as program_services
from sustain.programs.selectors import measurement_group_sizes
from tests.conftest import Cast, Login, make_person

pytestmark = pytest.mark.django_db


def _train(cast: Cast, person_days: dict[str, int]) -> None:
    today = timezone.localdate()
    for name, days_ago in person_days.items():
        cast.program.enrollments.filter(person=cast.by_role(name)).update(
            trained_on=today - dt.timedelta(days=days_ago)
        )


def test_it_counts_nobody_trained_before_the_workshop(cast: Cast) -> None:
    counts = measurement_group_sizes(program=cast.program)
    assert (counts.n_trained, counts.n_comparison) == (0, 2)  # Rita and Oscar


def test_it_counts_reps_trained_up_to_today_only(cast: Cast) -> None:
    # Rita trained last week, Oscar is trained next week, the manager's training is no rep's.
    _train(cast, {"rep": 7, "other_rep": -7, "manager": 7})
    make_person(cast.org, "Una Unenrolled", Role.REP)
    make_person(cast.outsider_program.organization, "Gus Globex", Role.REP)
    counts = measurement_group_sizes(program=cast.program)
    assert (counts.n_trained, counts.n_comparison) == (1, 2)  # Rita; Oscar and Una
    lead = leadership_for(viewer=cast.executive, program=cast.program)
    assert (lead.groups.n_trained, lead.groups.n_comparison) == (1, 2)


def test_it_counts_each_program_apart(cast: Cast) -> None:
    _train(cast, {"rep": 7, "other_rep": 3})
    second = program_services.program_create(
        organization=cast.org, name="Negotiation", owner=cast.owner
    )
    program_services.enrollment_create(
        program=second, person=cast.rep, trained_on=timezone.localdate()
    )
    leads = leadership_of(viewer=cast.executive, programs=[cast.program, second])
    assert [(lead.groups.n_trained, lead.groups.n_comparison) for lead in leads] == [
        (2, 0),
        (1, 1),
    ]


def test_the_page_shows_them(cast: Cast, revenue: KpiDefinition, login: Login) -> None:
    from sustain.analysis.services import analysis_run_create

    analysis_run_create(program=cast.program, kpi=revenue, run_now=True)  # Rita trained
    page = login(cast.analyst).get(f"/analysis/programs/{cast.program.pk}/kpis/{revenue.pk}/")
    assert '<div class="value">1 / 1</div>' in page.content.decode()
