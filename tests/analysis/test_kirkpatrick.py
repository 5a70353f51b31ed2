"""Kirkpatrick levels 2 and 3 on the analysis page, read from the other apps' data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sustain.analysis import evidence, services
from sustain.analysis.selectors import kirkpatrick
from sustain.certification import services as cert_services
from sustain.certification.models import Certification
from sustain.coaching import services as coaching_services
from sustain.metrics.services import _ensure_kpis
from sustain.orgs.models import Person
from sustain.plans import services as plan_services
from sustain.refreshers import services as refresher_services
from sustain.refreshers.models import Card
from tests.conftest import Cast, Login

pytestmark = pytest.mark.django_db


def _levels(cast: Cast, viewer: Person | None = None) -> dict[int, list[dict[str, str]]]:
    """Computed now, as an analyst reads them (she may see each rep, so nothing is
    withheld) unless another viewer is given."""
    summary = services.kirkpatrick_refresh(program=cast.program)
    levels = kirkpatrick(
        program=cast.program, run=None, summary=summary, viewer=viewer or cast.analyst
    )
    return {row["level"]: row["items"] for row in levels}


@pytest.fixture
def trained(cast: Cast) -> Cast:
    cast.program.enrollments.update(trained_on=timezone.localdate() - dt.timedelta(days=60))
    return cast


def test_it_says_not_measured_yet_without_data(trained: Cast, login: Login) -> None:
    levels = _levels(trained)
    assert levels[2] == [] and levels[3] == []
    _ensure_kpis(trained.org, ["revenue"])
    page = login(trained.analyst).get(f"/analysis/programs/{trained.program.pk}/", follow=True)
    assert page.status_code == 200
    assert page.content.decode().count("not measured yet") >= 3  # levels 2, 3 and 4


def test_it_reports_refresher_retention(trained: Cast) -> None:
    question = refresher_services.question_create(
        concept=trained.concept,
        prompt="Which question uncovers impact?",
        choices=["What does it cost you?", "Do you like it?"],
        answer="What does it cost you?",
        explanation="Impact is a cost.",
    )
    now = timezone.now() + dt.timedelta(days=10)  # every card is due
    for person, answer in (
        (trained.rep, "What does it cost you?"),
        (trained.other_rep, "Do you like it?"),
        (trained.manager, "What does it cost you?"),
    ):
        card = Card.objects.get(person=person, question=question)
        refresher_services.refresher_answer(person=person, card=card, answer=answer, now=now)
    retention = evidence.refresher_retention(trained.program)
    assert retention is not None
    items = {i["label"]: i["value"] for i in retention}
    assert items["Refresher answers correct"] == "67% of 3"
    recall = items["Predicted recall today (FSRS retrievability)"]
    assert isinstance(recall, str)
    assert recall.endswith("over 3 cards") and 0 < int(recall.split("%")[0]) <= 100
    assert "Refresher answers correct" in [i["label"] for i in _levels(trained)[2]]


def test_it_reports_the_share_of_managers_certified(trained: Cast) -> None:
    case = cert_services.diagnosis_case_create(
        program=trained.program,
        title="Quinn",
        situation="Skips discovery.",
        root_cause="will",
        prescription="Talk.",
    )
    cert_services.diagnosis_answer(
        case=case, manager=trained.manager, root_cause="skill", prescription="Role-play."
    )
    assert evidence.manager_certification(trained.program) == [
        {"label": "Managers certified as coaches", "value": "0 of 1 (0%)", "people": 1}
    ]
    Certification.objects.create(
        program=trained.program, manager=trained.manager, certified_on=timezone.localdate()
    )
    # Certified, but her reps are overdue for coaching: lapsed, not counted.
    certified = evidence.manager_certification(trained.program)
    assert certified is not None and certified[0]["value"] == "0 of 1 (0%)"
    for days_ago in range(0, 60, 7):  # her rep observed weekly since the workshop
        coaching_services.observation_create(
            observer=trained.manager,
            rep=trained.rep,
            date=timezone.localdate() - dt.timedelta(days=days_ago),
            channel="phone",
            diagnosis="skill",
            scores=[{"concept": trained.concept.pk, "score": 3, "evidence": ""}],
        )
    certified = evidence.manager_certification(trained.program)
    assert certified is not None and certified[0]["value"] == "1 of 1 (100%)"
    assert "Managers certified as coaches" in [i["label"] for i in _levels(trained)[2]]


def test_it_reports_the_rubric_score_trend(trained: Cast) -> None:
    start = timezone.localdate() - dt.timedelta(days=60)
    for day, score in ((5, 1), (20, 2), (45, 3), (55, 4)):
        coaching_services.observation_create(
            observer=trained.manager,
            rep=trained.rep,
            date=start + dt.timedelta(days=day),
            channel="phone",
            diagnosis="skill",
            scores=[{"concept": trained.concept.pk, "score": score, "evidence": ""}],
        )
    items = evidence.rubric_trend(trained.program)
    assert items is not None
    assert items[0]["value"] == "1.50 / 4 (2 scores)"
    assert items[1]["value"] == "3.50 / 4 (2 scores, +2.00)"
    assert str(items[1]["label"]).endswith(str(start + dt.timedelta(days=55)))


def test_it_reports_check_in_ratings(trained: Cast) -> None:
    plan = plan_services.plan_create(enrollment=trained.program.enrollments.get(person=trained.rep))
    plan_services.check_in_record(
        plan=plan, applied="Asked impact questions", struggled="", rating=4
    )
    assert evidence.check_in_ratings(trained.program) == [
        {
            "label": "Reps' own rating of applying it (weekly check-ins)",
            "value": "4.0 / 5 (1 check-ins)",
            "people": 1,
        }
    ]
    assert "check-ins" in _levels(trained)[3][-1]["value"]


@pytest.mark.parametrize("role", ["manager", "trainer"])
def test_it_withholds_figures_over_fewer_than_k_people_from_managers_and_the_trainer(
    trained: Cast, role: str
) -> None:
    plan = plan_services.plan_create(enrollment=trained.program.enrollments.get(person=trained.rep))
    plan_services.check_in_record(plan=plan, applied="x", struggled="", rating=4)
    levels = _levels(trained, trained.by_role(role))
    assert levels[3][-1]["value"] == "fewer than 5 reps"


def test_it_keeps_other_programs_data_out(trained: Cast) -> None:
    coaching_services.observation_create(
        observer=trained.manager,
        rep=trained.rep,
        date=timezone.localdate(),
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": trained.concept.pk, "score": 3, "evidence": ""}],
    )
    assert evidence.rubric_trend(trained.outsider_program) is None
    assert evidence.check_in_ratings(trained.outsider_program) is None
    assert evidence.refresher_retention(trained.outsider_program) is None
