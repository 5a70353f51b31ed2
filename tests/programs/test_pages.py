"""The programs list and a program's page at any size: counts from SQL, one page of the
enrollment list at a time."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.utils import timezone

from sustain.orgs.models import Person, Role
from sustain.programs import selectors
from sustain.programs.models import Enrollment
from tests.conftest import Cast, Login, make_person


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


def test_it_pages_the_enrollments_by_cohort_then_name_across_cohorts(cast: Cast) -> None:
    june, sept = dt.date(2026, 6, 13), dt.date(2026, 9, 19)
    cast.program.enrollments.update(trained_on=sept)  # Mia Manager, Oscar Otherrep, Rita Rep
    for name, day in [("Bea", june), ("Al", june), ("Cy", sept), ("Ab", sept)]:
        person = Person.objects.create(
            organization=cast.org, name=name, email=f"{name}@acme.example"
        )
        Enrollment.objects.create(program=cast.program, person=person, trained_on=day)
    summary = selectors.enrollment_summary(program=cast.program)
    rows = selectors.enrollment_pages(viewer=cast.owner, program=cast.program, summary=summary)
    pages = Paginator(rows, 3)
    names = [[e.person.name for e in pages.page(n)] for n in pages.page_range]
    assert pages.count == 7
    assert names == [
        ["Al", "Bea", "Ab"],
        ["Cy", "Mia Manager", "Oscar Otherrep"],
        ["Rita Rep"],
    ]


def test_it_pages_only_a_managers_own_people(cast: Cast) -> None:
    summary = selectors.enrollment_summary(program=cast.program)
    rows = selectors.enrollment_pages(viewer=cast.manager, program=cast.program, summary=summary)
    page = Paginator(rows, 50).page(1)
    assert [e.person.name for e in page] == ["Mia Manager", "Rita Rep"]


def test_it_counts_trained_reps_by_their_role_in_the_organization(cast: Cast) -> None:
    _train(cast)
    # Rita is enrolled as a manager, yet a rep in the organization: still a trained rep.
    cast.program.enrollments.filter(person=cast.rep).update(role=Role.MANAGER)
    program = selectors.programs_list(viewer=cast.owner).get(pk=cast.program.pk)
    assert program.n_trained == 1  # type: ignore[attr-defined]
    assert selectors.measurement_group_sizes(program=cast.program) == (1, 1)


def test_it_leaves_the_comparison_group_alone_for_a_rep_of_another_organization(
    cast: Cast,
) -> None:
    _train(cast)
    stranger = make_person(cast.outsider.organization, "Sam Stranger", Role.REP)  # type: ignore[arg-type]
    # Written past `Enrollment.clean`, which refuses it.
    Enrollment.objects.bulk_create(
        [Enrollment(program=cast.program, person=stranger, trained_on=dt.date(2026, 1, 5))]
    )
    # Trained: Rita and the stranger; comparison: Oscar, the organization's other rep.
    assert selectors.measurement_group_sizes(program=cast.program) == (2, 1)
