"""The program's coaching figures over the whole organization (skill distribution,
coverage and the most overdue, the managers who stopped) are computed in the background and
stored (coaching.CoachingSummary): a page shows them with their age, asks for them while
they are missing, and a new observation refreshes them once however many arrive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.coaching import services
from sustain.coaching.models import CoachingSummary
from sustain.orgs.models import Organization, Person
from sustain.programs import services as program_services
from sustain.programs.models import Concept
from tests.coaching.conftest import observe_scores
from tests.conftest import Cast, Login

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def scored(cast: Cast, concept2: Concept, today: dt.date) -> Cast:
    """Trained 100 days ago: past the 90 intensive days, one observation a month is due."""
    c1, c2 = cast.concept, concept2
    cast.program.enrollments.update(trained_on=today - 100 * DAY)
    # Rita: Discovery 1 then 4, Closing 2; last seen 5 days ago, due in 25 days.
    observe_scores(cast, cast.rep, today - 20 * DAY, {c1: 1, c2: 2})
    observe_scores(cast, cast.rep, today - 5 * DAY, {c1: 4})
    # Oscar: Closing 2, Discovery 2 then 3 the same day (the later record wins); last seen
    # 35 days ago, so 5 days overdue; his manager Otto has been silent for 35 days.
    observe_scores(cast, cast.other_rep, today - 40 * DAY, {c2: 2})
    observe_scores(cast, cast.other_rep, today - 35 * DAY, {c1: 2})
    observe_scores(cast, cast.other_rep, today - 35 * DAY, {c1: 3})
    return cast


def _page(
    cast: Cast, login: Login, viewer: Person | None = None, query: str = "", htmx: bool = False
) -> str:
    response = login(viewer or cast.owner).get(
        f"/coaching/program/{cast.program.pk}/{query}",
        headers={"HX-Request": "true"} if htmx else None,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_it_stores_the_hand_counted_figures(scored: Cast, today: dt.date) -> None:
    summary = services.coaching_summary_refresh(program=scored.program)
    assert [(r["concept"], r["level"], r["reps"]) for r in summary.distribution] == [
        ("Discovery", "Proficient", 1),
        ("Discovery", "Role model", 1),
        ("Closing", "Developing", 2),
    ]
    assert summary.coverage == {
        "due": 2,
        "on_time": 1,
        "n_overdue": 1,
        "coverage": 0.5,
        "overdue": [
            {
                "rep": scored.other_rep.pk,
                "days_overdue": 5,
                "last_observed": (today - 35 * DAY).isoformat(),
                "next_due": (today - 5 * DAY).isoformat(),
            }
        ],
    }
    assert summary.as_of == today
    stalled = [(s.manager, s.last, s.due, s.on_time, s.coverage) for s in summary.stalled.all()]
    assert stalled == [(scored.other_manager, today - 35 * DAY, 1, 0, 0.0)]


def test_the_page_shows_computing_then_the_figures(
    scored: Cast, login: Login, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        body = _page(scored, login)
    assert "being computed in the background" in body
    assert 'data-testid="coverage"' not in body and "hx-trigger" in body
    assert len(enqueued) == 1  # the immediate backend ran the refresh
    body = _page(scored, login)
    assert 'data-testid="coverage">50%' in body and "Organization-wide figures as of" in body
    assert "Oscar Otherrep" in body and "5 days overdue" in body
    assert "1 with no observation in the last 3 weeks" in body and "being computed" not in body


def test_the_polled_part_is_the_summary_alone(scored: Cast, login: Login) -> None:
    services.coaching_summary_refresh(program=scored.program)
    body = _page(scored, login, query="?part=summary", htmx=True)
    assert body.lstrip().startswith('<div id="coaching-summary"')
    assert 'data-testid="coverage">50%' in body and "Rubric" not in body


def test_it_shows_the_stored_figures_until_an_observation_refreshes_them(
    scored: Cast,
    login: Login,
    today: dt.date,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    services.coaching_summary_refresh(program=scored.program)
    scored.other_rep.observations.all().delete()  # not a service: no refresh asked
    assert 'data-testid="coverage">50%' in _page(scored, login)
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        observe_scores(scored, scored.other_rep, today, {scored.concept: 1})
    assert len(enqueued) == 1
    summary = CoachingSummary.objects.get(program=scored.program)
    assert (summary.coverage["on_time"], summary.coverage["overdue"]) == (2, [])
    assert [(r["concept"], r["level"], r["reps"]) for r in summary.distribution] == [
        ("Discovery", "Not yet", 1),
        ("Discovery", "Role model", 1),
        ("Closing", "Developing", 1),
    ]
    assert not summary.stalled.exists()
    assert 'data-testid="coverage">100%' in _page(scored, login)


def test_it_enqueues_one_refresh_while_one_is_pending(
    scored: Cast, today: dt.date, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as enqueued:
        services.coaching_summary_request(program=scored.program)
        observe_scores(scored, scored.rep, today, {scored.concept: 2})
        observe_scores(scored, scored.other_rep, today, {scored.concept: 2})
        services.coaching_summary_request(program=scored.program)
    assert len(enqueued) == 1
    later = timezone.now() + dt.timedelta(hours=2)  # past the task lease: the job died
    with django_capture_on_commit_callbacks() as enqueued:
        services.coaching_summary_changed(program=scored.program, now=later)
    assert len(enqueued) == 1


def test_an_observation_asks_nothing_of_a_program_no_page_has_shown(
    scored: Cast, today: dt.date, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as enqueued:
        observe_scores(scored, scored.rep, today, {scored.concept: 2})
    assert enqueued == [] and not CoachingSummary.objects.exists()


def test_it_refreshes_figures_counted_for_another_day(
    scored: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    services.coaching_summary_refresh(program=scored.program)
    with django_capture_on_commit_callbacks() as enqueued:
        services.coaching_summary_request(program=scored.program)
    assert enqueued == []  # fresh: nothing to do
    tomorrow = timezone.now() + dt.timedelta(days=1, minutes=1)
    with django_capture_on_commit_callbacks() as enqueued:
        services.coaching_summary_request(program=scored.program, now=tomorrow)
    assert len(enqueued) == 1


def test_the_daily_sweep_refreshes_every_program_shown_once(
    scored: Cast, today: dt.date, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    services.coaching_summary_refresh(program=scored.program, today=today - 10 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.coaching_summary_refresh_all() == 1  # the immediate backend runs each
    summary = CoachingSummary.objects.get(program=scored.program)
    assert summary.as_of == today and summary.coverage["n_overdue"] == 1
    assert not CoachingSummary.objects.filter(program=scored.outsider_program).exists()


def test_a_manager_reads_her_own_team_live(scored: Cast, login: Login) -> None:
    body = _page(scored, login, scored.manager)
    assert 'data-testid="coverage">100%' in body and "being computed" not in body
    assert "Oscar Otherrep" not in body
    assert not CoachingSummary.objects.exists()


def test_the_trainer_reads_the_stored_aggregates_from_k_reps(scored: Cast, login: Login) -> None:
    services.coaching_summary_refresh(program=scored.program)
    body = _page(scored, login, scored.trainer)
    assert "fewer than 5 reps" in body and 'data-testid="coverage"' not in body
    Organization.objects.filter(pk=scored.org.pk).update(min_group_size=2)
    body = _page(scored, login, scored.trainer)
    assert 'data-testid="coverage">50%' in body
    assert "Oscar Otherrep" not in body and "Otto Othermanager" not in body


def test_an_outsider_cannot_read_another_orgs_figures(scored: Cast, login: Login) -> None:
    services.coaching_summary_refresh(program=scored.program)
    client = login(scored.outsider)
    url = f"/coaching/program/{scored.program.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(url + "?part=summary", headers={"HX-Request": "true"}).status_code == 404


def test_the_leaders_home_lists_the_stored_managers_who_stopped(scored: Cast, login: Login) -> None:
    home = login(scored.executive).get("/").content.decode()
    assert "Managers who stopped coaching" in home and "Being computed" in home
    services.coaching_summary_refresh(program=scored.program)
    home = login(scored.executive).get("/").content.decode()
    assert "Otto Othermanager" in home and "last observation" in home


def test_one_request_for_several_programs_enqueues_each_once(
    scored: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    second = program_services.program_create(
        organization=scored.org, name="Negotiation", owner=scored.owner
    )
    programs = [scored.program, second]
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        services.coaching_summaries_request(programs=programs)
        services.coaching_summaries_request(programs=programs)
    assert len(enqueued) == 2
    computed = CoachingSummary.objects.filter(computed_at__isnull=False)
    assert sorted(computed.values_list("program_id", flat=True)) == [scored.program.pk, second.pk]
