from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sustain.lib.dates import week_of
from sustain.notify.models import OutboxMessage
from sustain.plans import selectors, services
from sustain.plans.models import MandatoryReason, Plan
from tests.conftest import Cast
from tests.plans.conftest import TRAINED_ON, manager_of


def test_it_creates_one_phase_per_concept_in_order_from_the_day_after(plan: Plan) -> None:
    phases = selectors.dated_phases(plan)
    assert [d.concept for d in phases] == ["Discovery", "Objections", "Closing"]
    assert phases[0].start == TRAINED_ON + dt.timedelta(days=1)
    assert [d.phase.days for d in phases] == [30, 30, 30]
    assert phases[1].start == phases[0].end + dt.timedelta(days=1)
    assert (phases[-1].end - phases[0].start).days + 1 == 90


def test_it_reorders_and_reweights_without_gaps(plan: Plan) -> None:
    a, b, c = plan.phases.all()
    services.plan_phases_update(
        plan=plan,
        phases=[
            {"id": c.pk, "days": 20},
            {"id": a.pk, "days": 40, "goal": "Ask 3 impact questions"},
            {"id": b.pk},
        ],
    )
    phases = selectors.dated_phases(plan)
    assert [d.concept for d in phases] == ["Closing", "Discovery", "Objections"]
    assert [d.phase.days for d in phases] == [20, 40, 30]
    assert phases[1].start == plan.start + dt.timedelta(days=20)
    assert phases[1].phase.goal == "Ask 3 impact questions"


def test_it_rejects_a_reorder_missing_a_phase(plan: Plan) -> None:
    a, b, _c = plan.phases.all()
    with pytest.raises(ValidationError):
        services.plan_phases_update(plan=plan, phases=[{"id": b.pk}, {"id": a.pk}])
    assert list(plan.phases.values_list("position", flat=True)) == [0, 1, 2]


def test_it_refuses_a_plan_for_someone_not_trained(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    assert not Plan.objects.exists()


def test_it_refuses_a_plan_for_a_manager(trained: Cast) -> None:
    with pytest.raises(ValidationError):
        services.plan_create(enrollment=trained.program.enrollments.get(person=trained.manager))


def test_it_stores_the_mandatory_reason_for_a_new_hire(trained: Cast) -> None:
    trained.other_rep.hire_date = TRAINED_ON - dt.timedelta(days=30)
    trained.other_rep.save(update_fields=["hire_date"])
    plan = services.plan_create(
        enrollment=trained.program.enrollments.get(person=trained.other_rep)
    )
    assert plan.mandatory_reason == MandatoryReason.NEW_HIRE
    assert "new colleagues" in plan.reason_text


def test_it_is_voluntary_for_the_cast_rep_and_says_resource(plan: Plan) -> None:
    assert not plan.mandatory
    assert "resource" in plan.reason_text


def test_it_makes_a_plan_mandatory_when_the_manager_flags_below_quota(plan: Plan) -> None:
    services.plan_set_below_quota(plan=plan, flag=True)
    plan.refresh_from_db()
    assert plan.mandatory_reason == MandatoryReason.BELOW_QUOTA
    assert "punish" not in plan.reason_text and "quota" not in plan.reason_text


def test_it_uses_the_kpi_attainment_seam(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "attainment_periods", lambda rep: [0.5, 0.6, 0.7])
    services.plan_set_below_quota(plan=plan, flag=False)
    assert plan.mandatory_reason == MandatoryReason.BELOW_QUOTA


def test_it_records_commitment_time_once(plan: Plan) -> None:
    services.plan_commit(plan=plan)
    assert plan.committed_at is not None
    with pytest.raises(ValidationError):
        services.plan_commit(plan=plan)


def test_it_flags_an_uncommitted_plan_to_the_manager_after_7_days(plan: Plan) -> None:
    assert services.plans_flag_uncommitted(today=TRAINED_ON + dt.timedelta(days=6)) == 0
    assert services.plans_flag_uncommitted(today=TRAINED_ON + dt.timedelta(days=7)) == 1
    assert services.plans_flag_uncommitted(today=TRAINED_ON + dt.timedelta(days=8)) == 0
    message = OutboxMessage.objects.get(kind="plan_uncommitted")
    assert message.recipient == manager_of(plan)
    plan.refresh_from_db()
    assert plan.flagged_at is not None


def test_it_does_not_flag_a_committed_plan(plan: Plan) -> None:
    services.plan_commit(plan=plan)
    assert services.plans_flag_uncommitted(today=TRAINED_ON + dt.timedelta(days=30)) == 0


def test_it_counts_streaks_and_missed_check_ins(plan: Plan) -> None:
    day = plan.start
    for weeks in (0, 2, 3):
        services.check_in_record(
            plan=plan, applied="a", struggled="", rating=3, today=day + dt.timedelta(weeks=weeks)
        )
    p = selectors.plan_progress(plan, today=day + dt.timedelta(weeks=4))
    assert p.streak == 2
    assert p.missed == 1
    assert p.last_rating == 3


def test_it_amends_a_second_check_in_the_same_week(plan: Plan) -> None:
    monday = week_of(plan.start) + dt.timedelta(weeks=1)
    services.check_in_record(plan=plan, applied="a", struggled="", rating=2, today=monday)
    services.check_in_record(
        plan=plan, applied="b", struggled="", rating=4, today=monday + dt.timedelta(days=4)
    )
    assert list(plan.check_ins.values_list("applied", "rating")) == [("b", 4)]


def test_it_rejects_a_rating_out_of_range(plan: Plan) -> None:
    with pytest.raises(ValidationError):
        services.check_in_record(plan=plan, applied="", struggled="", rating=6, today=plan.start)
    assert not plan.check_ins.exists()


def test_it_restarts_a_plan_from_a_new_day(plan: Plan) -> None:
    new_start = TRAINED_ON + dt.timedelta(days=20)
    services.plan_restart(plan=plan, start=new_start, note="Back from leave")
    assert selectors.dated_phases(plan)[0].start == TRAINED_ON + dt.timedelta(days=20)
    with pytest.raises(ValidationError):
        services.plan_restart(plan=plan, start=TRAINED_ON, note="too early")


def test_it_adds_items_for_other_apps(plan: Plan) -> None:
    item = services.plan_item_add(
        plan=plan, text="Role-play objections with Mia", due=dt.date(2026, 10, 1), source="coaching"
    )
    assert list(plan.items.all()) == [item]


def test_it_generates_plans_for_every_trained_rep_once(trained: Cast) -> None:
    assert services.plans_generate(program=trained.program) == 2
    assert services.plans_generate(program=trained.program) == 0
