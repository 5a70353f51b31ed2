"""The certification page counts every manager's status without building her row, and
shows the rows one page of managers at a time."""

from __future__ import annotations

import datetime as dt

from sustain.certification import selectors
from sustain.orgs.models import Person, Role
from sustain.programs.models import Enrollment, GlossaryTerm
from tests.certification.test_certification import _coach_weekly, _pass_all_but_consistency
from tests.conftest import Cast, Login


def _counts(cast: Cast, today: dt.date) -> dict[str, int]:
    managers = Person.objects.filter(role=Role.MANAGER, enrollments__program=cast.program)
    counts = selectors.status_counts(program=cast.program, managers=managers, today=today)
    return {label: n for label, n in counts.items() if n}


def test_it_counts_a_manager_not_started_then_in_progress(
    trained: Cast, glossary: list[GlossaryTerm], today: dt.date
) -> None:
    assert _counts(trained, today) == {"Not started": 1}
    _pass_all_but_consistency(trained, glossary, today)
    assert _counts(trained, today) == {"In progress": 1}


def test_it_counts_certified_then_lapsed(
    trained: Cast, glossary: list[GlossaryTerm], today: dt.date
) -> None:
    trained.program.enrollments.update(trained_on=today - dt.timedelta(days=60))
    _coach_weekly(trained, today, 8)
    _pass_all_but_consistency(trained, glossary, today)
    assert _counts(trained, today) == {"Certified": 1}
    assert _counts(trained, today + dt.timedelta(weeks=7)) == {"Lapsed": 1}


def test_it_pages_the_managers(trained: Cast, login: Login) -> None:
    managers = Person.objects.bulk_create(
        Person(
            organization=trained.org,
            name=f"Zoe {i:02d}",
            email=f"zoe{i}@acme.example",
            role=Role.MANAGER,
        )
        for i in range(55)
    )
    Enrollment.objects.bulk_create(
        Enrollment(program=trained.program, person=m, role=Role.MANAGER) for m in managers
    )
    client = login(trained.owner)
    first = client.get(f"/certification/program/{trained.program.pk}/").content.decode()
    assert first.count("<tr data-manager=") == 50 and "Page 1 of 2" in first
    assert '<div class="value">56</div><div class="label">not started</div>' in first
    second = client.get(f"/certification/program/{trained.program.pk}/?page=2").content.decode()
    assert second.count("<tr data-manager=") == 6 and "Zoe 54" in second
