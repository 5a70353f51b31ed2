"""The programs list and a program's page at any size: counts from SQL, one page of the
enrollment list at a time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sustain.orgs.models import Person, Role
from sustain.programs import selectors
from sustain.programs.models import Enrollment
from tests.conftest import Cast, Login


def _train(cast: Cast) -> None:
    """Rita trained a week ago and attended; the manager trained too (not a rep); Oscar is
    enrolled, not trained, marked absent."""
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    cast.program.enrollments.filter(person__in=[cast.rep, cast.manager]).update(
        trained_on=week_ago, attended=True
    )
    cast.program.enrollments.filter(person=cast.other_rep).update(attended=False)


def test_it_lists_programs_with_enrolled_and_trained_reps(cast: Cast, login: Login) -> None:
    _train(cast)
    program = selectors.programs_list(viewer=cast.owner).get(pk=cast.program.pk)
    assert (program.n_enrolled, program.n_trained) == (3, 1)  # type: ignore[attr-defined]
    page = login(cast.owner).get("/programs/").content.decode()
    assert '<td class="num">3</td><td class="num">1</td>' in page


def test_it_counts_the_measurement_groups_in_sql(cast: Cast) -> None:
    _train(cast)
    # Trained: Rita. Comparison: the organization's other reps (Oscar).
    assert selectors.measurement_group_sizes(program=cast.program) == (1, 1)
    summary = selectors.enrollment_summary(program=cast.program)
    assert (summary.enrolled, summary.trained, summary.comparison) == (3, 1, 1)
    assert summary.attended_rate == 2 / 3
    cohorts = {c.trained_on is not None: (c.n_reps, c.n_managers) for c in summary.cohorts}
    assert cohorts == {True: (1, 1), False: (1, 0)}


def test_it_pages_the_enrollment_list(cast: Cast, login: Login) -> None:
    people = Person.objects.bulk_create(
        Person(organization=cast.org, name=f"Zed {i:03d}", email=f"z{i}@acme.example")
        for i in range(60)
    )
    Enrollment.objects.bulk_create(Enrollment(program=cast.program, person=p) for p in people)
    client = login(cast.owner)
    first = client.get(f"/programs/{cast.program.pk}/").content.decode()
    assert "63 visible to you" in first and "Page 1 of 2" in first
    assert 'href="?page=2#enrollment"' in first
    second = client.get(f"/programs/{cast.program.pk}/?page=2").content.decode()
    assert second.count('<tr id="enrollment-') == 13
    assert first.count('<tr id="enrollment-') == 50


def test_it_keeps_counting_reps_who_left_the_rep_role_out(cast: Cast) -> None:
    _train(cast)
    Person.objects.filter(pk=cast.rep.pk).update(role=Role.MANAGER)
    assert selectors.measurement_group_sizes(program=cast.program) == (0, 1)
