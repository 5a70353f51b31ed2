"""The API lists whose rows are built in Python build only the page asked for: `count` is
the whole list's length, the items are the same rows, in the same order, as the whole list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sustain.coaching.models import Observation
from sustain.plans import services as plan_services
from sustain.programs import services as program_services
from sustain.readiness.models import Acknowledgement
from sustain.refreshers import services as refresher_services
from sustain.refreshers.models import Review
from tests.conftest import Api, ApiClient, Cast

TODAY = timezone.localdate()


@pytest.fixture
def trained(cast: Cast) -> Cast:
    cast.program.enrollments.update(trained_on=TODAY - dt.timedelta(days=30))
    return cast


def _walk(client: ApiClient, path: str) -> tuple[dict[str, Any], list[Any]]:
    """The whole list in one page, and the same list walked one row at a time."""
    sep = "&" if "?" in path else "?"
    whole = client.get(f"{path}{sep}limit=1000").json()
    walked = []
    for offset in range(whole["count"]):
        page = client.get(f"{path}{sep}limit=1&offset={offset}").json()
        assert page["count"] == whole["count"] and len(page["items"]) == 1
        walked += page["items"]
    return whole, walked


def test_it_pages_a_programs_plans(trained: Cast, api: Api) -> None:
    for rep in (trained.rep, trained.other_rep):
        plan_services.plan_create(enrollment=trained.program.enrollments.get(person=rep))
    whole, walked = _walk(api(trained.owner), f"/programs/{trained.program.pk}/plans")
    assert whole["count"] == 2 and walked == whole["items"]
    assert [p["rep_name"] for p in walked] == ["Oscar Otherrep", "Rita Rep"]


def test_it_pages_a_teams_plans(trained: Cast, api: Api) -> None:
    plan_services.plan_create(enrollment=trained.program.enrollments.get(person=trained.rep))
    whole, walked = _walk(api(trained.manager), f"/teams/{trained.team.pk}/plans")
    assert whole["count"] == 1 and walked == whole["items"]


def test_it_pages_the_certifications(trained: Cast, api: Api) -> None:
    program_services.enrollment_create(program=trained.program, person=trained.other_manager)
    whole, walked = _walk(api(trained.owner), f"/programs/{trained.program.pk}/certifications")
    assert whole["count"] == 2 and walked == whole["items"]
    assert [c["manager"] for c in walked] == [trained.manager.pk, trained.other_manager.pk]


def test_it_pages_a_reps_observations_newest_first(trained: Cast, api: Api) -> None:
    for days in (3, 1, 2):
        Observation.objects.create(
            organization=trained.org,
            observer=trained.manager,
            rep=trained.rep,
            program=trained.program,
            date=TODAY - dt.timedelta(days=days),
            channel="video",
            diagnosis="will",
        )
    whole, walked = _walk(api(trained.manager), f"/reps/{trained.rep.pk}/observations")
    assert whole["count"] == 3 and walked == whole["items"]
    assert [o["date"] for o in walked] == sorted((o["date"] for o in walked), reverse=True)


def test_it_pages_her_due_refreshers(trained: Cast, api: Api) -> None:
    for n in range(3):
        refresher_services.question_create(
            concept=trained.concept,
            prompt=f"Question {n}?",
            choices=["Yes", "No"],
            answer="Yes",
            explanation="Because.",
        )
    client = api(trained.rep)
    whole = client.get("/me/refreshers/due?limit=1000").json()
    page = client.get("/me/refreshers/due?limit=2&offset=1").json()
    assert whole["count"] == page["count"] == 3 and len(page["items"]) == 2
    assert [q["id"] for q in page["items"]] == [q["id"] for q in whole["items"][1:]]


def test_it_pages_retention_and_leaves_small_groups_out_for_a_manager(
    trained: Cast, api: Api
) -> None:
    question = refresher_services.question_create(
        concept=trained.concept, prompt="Q?", choices=["Yes", "No"], answer="Yes", explanation="."
    )
    now = timezone.now()
    for weeks in (0, 1, 2):
        for person in (trained.rep, trained.other_rep):
            card = person.refresher_cards.get(question=question)
            Review.objects.create(
                card=card,
                person=person,
                concept=trained.concept,
                team=person.team,
                answer="Yes",
                correct=person == trained.rep,
                rating=3,
                reviewed_at=now - dt.timedelta(weeks=weeks),
                next_due=now,
            )
    path = f"/programs/{trained.program.pk}/refreshers/retention"
    whole, walked = _walk(api(trained.owner), path)
    assert whole["count"] == 3 and walked == whole["items"]
    assert [r["retention"] for r in walked] == [0.5, 0.5, 0.5]
    by_team, _ = _walk(api(trained.owner), f"{path}?by=team")
    assert by_team["count"] == 6
    # Two people per week: under k (5) for a manager, who may not see Oscar one by one.
    assert api(trained.manager).get(path).json() == {"items": [], "count": 0}


def test_it_pages_the_pulse_by_team(trained: Cast, api: Api) -> None:
    Acknowledgement.objects.create(program=trained.program, rep=trained.rep, pulse=4)
    whole, walked = _walk(api(trained.owner), f"/programs/{trained.program.pk}/pulse")
    assert whole["count"] == 2 and walked == whole["items"]
    assert [(t["team"], t["reps"], t["acknowledged"]) for t in walked] == [
        ("West 1", 1, 1),
        ("West 2", 1, 0),
    ]
