"""The below-quota rule reads imported attainment KPIs (plans.selectors.attainment_periods)."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from sustain.metrics.models import ImportJob, KpiDefinition, KpiUnit, KpiValue
from sustain.metrics.services import _ensure_kpis, import_job_undo, kpi_import
from sustain.plans import selectors, services
from sustain.plans.models import MandatoryReason, Plan
from sustain.programs.models import Enrollment
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 1, 5)


def _import(cast: Cast, rows: list[tuple[str, int, float]], kpi: str = "attainment") -> None:
    lines = ["rep,period,kpi,value"] + [
        f"{email},{MONDAY + dt.timedelta(weeks=week)},{kpi},{value}" for email, week, value in rows
    ]
    kpi_import(
        organization=cast.org, file="\n".join(lines).encode(), filename="a.csv", source="panel"
    )


def _plan(cast: Cast) -> Plan:
    return services.plan_create(
        enrollment=Enrollment.objects.get(program=cast.program, person=cast.rep)
    )


def test_it_returns_nothing_without_an_attainment_kpi(trained: Cast) -> None:
    _import(trained, [(trained.rep.email, 0, 0.5)], kpi="revenue")
    assert selectors.attainment_periods(trained.rep) == []
    assert not _plan(trained).mandatory


def test_it_reads_the_reps_values_oldest_first(trained: Cast) -> None:
    # Imported out of order, with another rep's values and another org's KPI of that key.
    _import(
        trained,
        [
            (trained.rep.email, 2, 0.7),
            (trained.rep.email, 0, 0.9),
            (trained.rep.email, 1, 0.6),
            (trained.other_rep.email, 0, 1.4),
        ],
    )
    assert trained.outsider.organization is not None
    other_kpi = _ensure_kpis(trained.outsider.organization, ["attainment"])["attainment"]
    KpiValue.objects.create(rep=trained.outsider, kpi_id=other_kpi, period=MONDAY, value=0.1)
    assert selectors.attainment_periods(trained.rep) == [0.9, 0.6, 0.7]
    assert selectors.attainment_periods(trained.other_rep) == [1.4]
    assert (
        KpiDefinition.objects.get(organization=trained.org, key="attainment").unit == KpiUnit.RATIO
    )


def test_it_makes_the_plan_mandatory_when_the_latest_periods_are_under_quota(trained: Cast) -> None:
    _import(trained, [(trained.rep.email, w, v) for w, v in enumerate([1.2, 0.7, 0.75, 0.79])])
    plan = _plan(trained)
    assert plan.mandatory_reason == MandatoryReason.BELOW_QUOTA
    assert not plan.below_quota_flag


def test_it_stays_voluntary_when_one_recent_period_reached_the_threshold(trained: Cast) -> None:
    _import(trained, [(trained.rep.email, w, v) for w, v in enumerate([0.5, 0.6, 0.8, 0.7])])
    assert _plan(trained).mandatory_reason == MandatoryReason.NONE


def test_it_needs_as_many_periods_as_the_policy(trained: Cast) -> None:
    _import(trained, [(trained.rep.email, 0, 0.3), (trained.rep.email, 1, 0.3)])
    plan = _plan(trained)
    assert plan.mandatory_reason == MandatoryReason.NONE
    _import(trained, [(trained.rep.email, 2, 0.3)])
    services.plan_set_below_quota(plan=plan, flag=False)  # re-evaluated when touched
    plan.refresh_from_db()
    assert plan.mandatory_reason == MandatoryReason.BELOW_QUOTA


def test_it_falls_back_to_quota_attainment(trained: Cast) -> None:
    _import(trained, [(trained.rep.email, w, 0.5) for w in range(3)], kpi="quota_attainment")
    assert selectors.attainment_periods(trained.rep) == [0.5, 0.5, 0.5]
    assert _plan(trained).mandatory_reason == MandatoryReason.BELOW_QUOTA


def test_it_reads_in_a_fixed_number_of_queries(
    trained: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _import(trained, [(trained.rep.email, w, 0.5) for w in range(20)])
    with django_assert_num_queries(2):
        selectors.attainment_periods(trained.rep)


def _import_committed(
    cast: Cast, rows: list[tuple[str, int, float]], capture: DjangoCaptureOnCommitCallbacks
) -> ImportJob:
    """An import as a worker runs it: the plans' refresh it triggers runs after commit."""
    lines = ["rep,period,kpi,value"] + [
        f"{email},{MONDAY + dt.timedelta(weeks=week)},attainment,{value}"
        for email, week, value in rows
    ]
    with capture(execute=True):
        return kpi_import(
            organization=cast.org, file="\n".join(lines).encode(), filename="a.csv", source="panel"
        )


def _reason(plan: Plan) -> str:
    plan.refresh_from_db()
    return plan.mandatory_reason


def test_an_import_after_the_plan_began_makes_it_mandatory_and_its_undo_voluntary_again(
    trained: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    plan = _plan(trained)
    assert _reason(plan) == MandatoryReason.NONE
    below = [(trained.rep.email, w, 0.6) for w in range(3)]
    job = _import_committed(trained, below, django_capture_on_commit_callbacks)
    assert _reason(plan) == MandatoryReason.BELOW_QUOTA
    with django_capture_on_commit_callbacks(execute=True):
        import_job_undo(job=job)
    assert _reason(plan) == MandatoryReason.NONE


def test_a_rep_back_above_quota_has_a_voluntary_plan_unless_her_manager_flagged_it(
    trained: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    capture = django_capture_on_commit_callbacks
    _import_committed(trained, [(trained.rep.email, w, 0.6) for w in range(3)], capture)
    mine = _plan(trained)
    other = services.plan_create(
        enrollment=Enrollment.objects.get(program=trained.program, person=trained.other_rep)
    )
    services.plan_set_below_quota(plan=other, flag=True)
    assert _reason(mine) == MandatoryReason.BELOW_QUOTA
    recovered = [
        (e, w, 1.1) for e in (trained.rep.email, trained.other_rep.email) for w in (3, 4, 5)
    ]
    _import_committed(trained, recovered, capture)
    assert _reason(mine) == MandatoryReason.NONE
    assert _reason(other) == MandatoryReason.BELOW_QUOTA  # the manager's word stands


def test_a_plan_that_has_ended_keeps_the_reason_it_ran_under(trained: Cast) -> None:
    plan = _plan(trained)
    _import(trained, [(trained.rep.email, w, 0.6) for w in range(3)])
    ended = plan.start + dt.timedelta(days=sum(p.days for p in plan.phases.all()))
    assert services.plans_mandatory_refresh(program=trained.program, today=ended) == 0
    assert _reason(plan) == MandatoryReason.NONE
    day_before = ended - dt.timedelta(days=1)
    assert services.plans_mandatory_refresh(program=trained.program, today=day_before) == 1
    assert _reason(plan) == MandatoryReason.BELOW_QUOTA


def test_new_rules_apply_to_the_running_plans(
    trained: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _import(trained, [(trained.rep.email, w, 0.7) for w in range(3)])
    plan = _plan(trained)
    assert _reason(plan) == MandatoryReason.BELOW_QUOTA  # under the default 80 %
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_policy_update(program=trained.program, data={"quota_threshold": 0.6})
    assert _reason(plan) == MandatoryReason.NONE


def test_the_daily_sweep_catches_up_a_refresh_that_never_ran(trained: Cast) -> None:
    plan = _plan(trained)
    _import(trained, [(trained.rep.email, w, 0.6) for w in range(3)])  # its job never ran
    assert _reason(plan) == MandatoryReason.NONE
    assert services.plans_daily()["mandatory_changed"] == 1
    assert _reason(plan) == MandatoryReason.BELOW_QUOTA
