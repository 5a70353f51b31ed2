"""Kirkpatrick levels 1-3 are computed in the background and stored: a page reads the
stored figures with their age, asks for a refresh when they are missing or a day old (once
per lease, however many views), and the daily sweep refreshes every program shown once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.analysis import services
from sustain.analysis.models import KirkpatrickSummary
from sustain.metrics.services import _ensure_kpis
from sustain.orgs.models import Person
from sustain.plans import services as plan_services
from tests.conftest import Cast, Login

pytestmark = pytest.mark.django_db

RATED_4 = "4.0 / 5 (1 check-ins)"


@pytest.fixture
def rated(cast: Cast) -> Cast:
    """The rep trained 60 days ago, one weekly check-in rated 4."""
    cast.program.enrollments.update(trained_on=timezone.localdate() - dt.timedelta(days=60))
    _rate(cast, cast.rep, 4)
    return cast


def _rate(cast: Cast, rep: Person, rating: int) -> None:
    """A weekly check-in of the rep's 90-day plan (one per week: it replaces this week's)."""
    enrollment = cast.program.enrollments.get(person=rep)
    plan = plan_services.plan_create(enrollment=enrollment)
    plan_services.check_in_record(plan=plan, applied="Asked", struggled="", rating=rating)


def _rate_again(cast: Cast, rating: int) -> None:
    """The other rep's first check-in."""
    _rate(cast, cast.other_rep, rating)


def _page(cast: Cast, login: Login) -> str:
    kpi = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    response = login(cast.analyst).get(f"/analysis/programs/{cast.program.pk}/kpis/{kpi}/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_it_computes_them_in_the_background_the_first_time(
    rated: Cast, login: Login, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        body = _page(rated, login)
    assert "being computed" in body and RATED_4 not in body
    assert len(enqueued) == 1
    assert RATED_4 in _page(rated, login)  # the immediate backend ran the refresh


def test_it_shows_the_stored_figures_and_their_age(rated: Cast, login: Login) -> None:
    services.kirkpatrick_refresh(program=rated.program)
    _rate_again(rated, 2)  # live it would read 3.0 / 5 over 2 check-ins
    body = _page(rated, login)
    assert RATED_4 in body and "3.0 / 5" not in body
    assert "levels 1-3 as of" in body


def test_it_asks_once_per_lease_however_many_views(
    rated: Cast, login: Login, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as enqueued:
        _page(rated, login)
        _page(rated, login)
        services.kirkpatrick_request(program=rated.program)
    assert len(enqueued) == 1
    later = timezone.now() + dt.timedelta(hours=2)  # past the task lease: the job died
    with django_capture_on_commit_callbacks() as enqueued:
        services.kirkpatrick_request(program=rated.program, now=later)
    assert len(enqueued) == 1


def test_it_refreshes_figures_older_than_a_day(
    rated: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    services.kirkpatrick_refresh(program=rated.program)
    _rate_again(rated, 2)
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        services.kirkpatrick_request(program=rated.program)
    assert enqueued == []  # fresh: nothing to do
    tomorrow = timezone.now() + dt.timedelta(days=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        services.kirkpatrick_request(program=rated.program, now=tomorrow)
    assert len(enqueued) == 1
    levels = KirkpatrickSummary.objects.get(program=rated.program).levels
    assert levels["3"][-1]["value"] == "3.0 / 5 (2 check-ins)"  # (4 + 2) / 2


def test_the_daily_sweep_refreshes_every_program_shown_once(rated: Cast) -> None:
    services.kirkpatrick_refresh(program=rated.program)
    _rate_again(rated, 1)
    assert services.kirkpatrick_refresh_all() == 1  # the immediate backend runs each
    levels = KirkpatrickSummary.objects.get(program=rated.program).levels
    assert levels["3"][-1]["value"] == "2.5 / 5 (2 check-ins)"  # (4 + 1) / 2
    assert not KirkpatrickSummary.objects.filter(program=rated.outsider_program).exists()


def test_it_withholds_stored_figures_over_fewer_than_k_reps_from_the_trainer(
    rated: Cast, login: Login
) -> None:
    services.kirkpatrick_refresh(program=rated.program)
    response = login(rated.trainer).get(f"/analysis/programs/{rated.program.pk}/report/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5 reps" in body and RATED_4 not in body


def test_the_pdf_reads_the_stored_figures(rated: Cast, login: Login) -> None:
    services.kirkpatrick_refresh(program=rated.program)
    response = login(rated.analyst).get(f"/analysis/programs/{rated.program.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
