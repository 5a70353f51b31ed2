from __future__ import annotations

import datetime as dt
from typing import Any

from sustain.health import services
from sustain.health.models import HealthDay, Level
from sustain.plans.models import CheckIn, Plan
from sustain.programs.models import Program
from sustain.readiness.models import Acknowledgement, OwnerProfile
from tests.conftest import Cast
from tests.health.conftest import observe


def _row(program: Program, level: str, subject_id: int, day: dt.date) -> HealthDay:
    return HealthDay.objects.get(program=program, level=level, subject_id=subject_id, day=day)


def _signal(row: HealthDay, key: str) -> dict[str, Any]:
    return next(s for s in row.signals if s["key"] == key)


def test_it_stores_one_row_per_program_region_team_manager_and_rep(
    trained: Cast, today: dt.date
) -> None:
    services.health_run_day(program=trained.program, day=today)
    levels = sorted(HealthDay.objects.filter(day=today).values_list("level", flat=True))
    assert levels == ["manager", "manager", "program", "region", "rep", "rep", "team", "team"]


def test_it_scores_the_coaching_team_above_the_one_whose_manager_stopped(
    trained: Cast, today: dt.date
) -> None:
    observe(trained, trained.rep, trained.manager, today - dt.timedelta(days=3))
    services.health_run_day(program=trained.program, day=today)
    coached = _row(trained.program, Level.TEAM, trained.team.pk, today)
    neglected = _row(trained.program, Level.TEAM, trained.other_team.pk, today)
    assert coached.score > neglected.score
    assert _signal(neglected, "coaching_cadence") == {
        "key": "coaching_cadence",
        "value": 30.0,
        "status": "bad",
        "loss": 2.0,
        "ok": 14.0,
        "basis": "since the latest observation of these reps",
    }


def test_it_explains_what_pulled_the_score_down_and_what_to_do(
    trained: Cast, today: dt.date
) -> None:
    services.health_run_day(program=trained.program, day=today)
    row = _row(trained.program, Level.MANAGER, trained.other_manager.pk, today)
    worst = row.explained[0]
    assert worst["key"] == "coaching_coverage" and worst["status"] == "bad"
    assert worst["detail"] == (
        "Coaching coverage: 0% (of 1 reps, observed within cadence). Ok from 80%. "
        "Observe the overdue reps this week; the program's Coaching page lists them."
    )


def test_it_rerunning_a_day_replaces_it(trained: Cast, today: dt.date) -> None:
    services.health_run_day(program=trained.program, day=today)
    before = _row(trained.program, Level.REP, trained.rep.pk, today).score
    observe(trained, trained.rep, trained.manager, today)
    services.health_run_day(program=trained.program, day=today)
    assert HealthDay.objects.filter(day=today, level=Level.REP).count() == 2
    assert _row(trained.program, Level.REP, trained.rep.pk, today).score > before


def test_it_reads_plans_check_ins_and_the_pulse(trained: Cast, today: dt.date) -> None:
    enrollment = trained.program.enrollments.get(person=trained.rep)
    plan = Plan.objects.create(
        enrollment=enrollment,
        program=trained.program,
        rep=trained.rep,
        start=today - dt.timedelta(days=35),
    )
    CheckIn.objects.create(plan=plan, week=today - dt.timedelta(days=35), rating=3)
    Acknowledgement.objects.create(program=trained.program, rep=trained.rep, pulse=2)
    services.health_run_day(program=trained.program, day=today)
    row = _row(trained.program, Level.REP, trained.rep.pk, today)
    assert _signal(row, "checkin_missed")["value"] == 4
    assert _signal(row, "checkin_missed")["status"] == "bad"
    assert _signal(row, "plan_commitment")["value"] == 0
    assert _signal(row, "buy_in_pulse")["status"] == "bad"


def test_it_counts_owner_fit_on_the_program_only(trained: Cast, today: dt.date) -> None:
    OwnerProfile.objects.create(program=trained.program, has_sales_experience=True, time_share=5)
    services.health_run_day(program=trained.program, day=today)
    program = _row(trained.program, Level.PROGRAM, trained.program.pk, today)
    assert _signal(program, "owner_fit")["value"] == 0.5
    team = _row(trained.program, Level.TEAM, trained.team.pk, today)
    assert all(s["key"] != "owner_fit" for s in team.signals)


def test_it_weights_signals_by_the_program_settings(trained: Cast, today: dt.date) -> None:
    services.health_settings_update(
        program=trained.program,
        signals={
            k: {"weight": 0} for k in ("coaching_coverage", "coaching_cadence", "certification")
        },
    )
    services.health_run_day(program=trained.program, day=today)
    neglected = _row(trained.program, Level.TEAM, trained.other_team.pk, today)
    assert neglected.score == 0  # nothing else has data: no weight left
    services.health_settings_update(
        program=trained.program, signals={"coaching_cadence": {"weight": 1, "ok": 40, "bad": 60}}
    )
    services.health_run_day(program=trained.program, day=today)
    assert _row(trained.program, Level.TEAM, trained.other_team.pk, today).score == 100


def test_it_leaves_out_reps_not_trained_yet(cast: Cast, today: dt.date) -> None:
    services.health_run_day(program=cast.program, day=today)
    assert list(HealthDay.objects.values_list("level", "people")) == [("program", 0)]


def test_it_catches_up_missed_days_and_resumes_where_it_stopped(
    trained: Cast, today: dt.date
) -> None:
    services.health_run_day(program=trained.program, day=today - dt.timedelta(days=3))
    # Three days for this program, today for the outsider's.
    assert services.health_sweep(today=today) == {"days": 4}
    days = set(HealthDay.objects.filter(program=trained.program).values_list("day", flat=True))
    assert days == {today - dt.timedelta(days=d) for d in range(4)}
    assert services.health_sweep(today=today) == {"days": 2}  # today again, replaced


def test_it_is_registered_as_a_daily_sweep() -> None:
    from sustain.notify.periodic import SWEEPS

    assert (
        "health-daily",
        "sustain.health.tasks.health_daily_sweep",
        dt.timedelta(days=1),
    ) in SWEEPS


def test_it_keeps_rep_rows_for_five_weeks_and_group_rows_for_good(
    trained: Cast, today: dt.date
) -> None:
    trained.program.enrollments.update(trained_on=today - dt.timedelta(days=60))
    services.health_run_day(program=trained.program, day=today - dt.timedelta(days=40))
    services.health_run_day(program=trained.program, day=today)
    old = HealthDay.objects.filter(day=today - dt.timedelta(days=40))
    assert not old.filter(level=Level.REP).exists() and old.filter(level=Level.TEAM).exists()
