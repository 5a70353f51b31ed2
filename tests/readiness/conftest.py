from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sustain.programs import services as program_services
from sustain.programs.models import Enrollment, WorkshopSession
from sustain.readiness import services
from sustain.readiness.models import Factor
from tests.conftest import Cast

FIRST_SESSION = dt.date(2027, 3, 1)


def make_ready(cast: Cast) -> None:
    """Fix every readiness item of the cast's program, the way an owner would."""
    program = cast.program
    services.owner_profile_update(
        program=program,
        data={
            "has_sales_experience": True,
            "sales_years": 8,
            "time_share": 40,
            "carries_quota": False,
            "paid_for_success": True,
        },
    )
    goal_ready(cast)
    for factor in Factor.values:
        services.needs_factor_rate(program=program, factor=factor, rating="minor", notes="n")
    services.why_message_write(
        program=program,
        author=cast.executive,
        market_change="Buyers research alone.",
        status_quo="We pitch.",
    )
    session = program_services.session_create(
        program=program, title="Workshop", starts_on=FIRST_SESSION, ends_on=FIRST_SESSION
    )
    touches_ready(cast)
    for role in ("executive", "manager", "rep"):
        services.expectation_write(
            program=program, role=role, do_differently="d", measured_by="m", recognized_by="r"
        )
    services.panel_member_add(program=program, manager=cast.manager, scenarios="Renewals")
    managers_first(cast, session)
    services.reinforcement_plan_update(program=program, data={"coaching_cadence": "weekly"})
    program_services.program_update(program=program, data={"budget_reinforcement": Decimal(40000)})
    services.measurement_plan_update(
        program=program,
        data={"method": "Difference in differences", "comparison_group": "West 2, trained later"},
    )


def goal_ready(cast: Cast) -> None:
    services.goal_create(
        program=cast.program,
        kpi="win_rate",
        baseline_value=Decimal(20),
        baseline_start=dt.date(2026, 1, 1),
        baseline_end=dt.date(2026, 6, 30),
        target_value=Decimal(25),
    )


def touches_ready(cast: Cast) -> None:
    for days, channel in ((30, "email"), (20, "town_hall"), (10, "team_meeting")):
        services.touch_create(
            program=cast.program,
            channel=channel,
            sender=cast.executive,
            date=FIRST_SESSION - dt.timedelta(days=days),
        )


def managers_first(cast: Cast, session: WorkshopSession) -> None:
    Enrollment.objects.filter(program=cast.program).update(session=session)
    program_services.enrollment_create(
        program=cast.program, person=cast.other_manager, session=session
    )


@pytest.fixture
def ready_cast(cast: Cast) -> Cast:
    make_ready(cast)
    return cast
