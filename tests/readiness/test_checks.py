from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from pytest_django import DjangoAssertNumQueries

from sustain.orgs.models import Role
from sustain.programs import services as program_services
from sustain.programs.models import Enrollment, Program
from sustain.readiness import services
from sustain.readiness.checks import readiness_for
from sustain.readiness.models import (
    Expectation,
    Goal,
    MeasurementPlan,
    NeedsFactor,
    OwnerProfile,
    PanelMember,
    Touch,
    WhyMessage,
)
from tests.conftest import Cast
from tests.readiness.conftest import FIRST_SESSION


def _items(program: Program) -> dict[str, bool]:
    fresh = Program.objects.get(pk=program.pk)  # no cached one-to-one rows
    return {i.key: i.ok for i in readiness_for(fresh).items}


def _flips(program: Program, key: str, fix: Callable[[], object]) -> None:
    assert _items(program)[key] is False
    fix()
    program.refresh_from_db()
    items = _items(program)
    assert items[key] is True
    assert readiness_for(Program.objects.get(pk=program.pk)).ready is all(items.values())


def test_it_is_ready_when_everything_is_fixed(ready_cast: Cast) -> None:
    result = readiness_for(ready_cast.program)
    assert [i.key for i in result.items if not i.ok] == []
    assert result.ready is True


def test_it_lists_the_twelve_items_in_order(cast: Cast) -> None:
    keys = [i.key for i in readiness_for(cast.program).items]
    assert keys == [
        "owner_named",
        "owner_fit",
        "goals_with_baselines",
        "measurement_horizon",
        "needs_assessment",
        "why_message",
        "dissemination",
        "expectations_per_role",
        "managers_engaged",
        "managers_trained_first",
        "reinforcement_plan",
        "control_group_plan",
    ]
    assert readiness_for(cast.program).ready is False


def test_it_flips_owner_named(ready_cast: Cast) -> None:
    program = ready_cast.program
    program_services.program_update(program=program, data={"owner": None})
    _flips(
        program,
        "owner_named",
        lambda: program_services.program_update(program=program, data={"owner": ready_cast.owner}),
    )


def test_it_flips_owner_fit_on_each_warning(ready_cast: Cast) -> None:
    program = ready_cast.program
    for bad in (
        {"has_sales_experience": False, "sales_years": 0},
        {"time_share": 10},
        {"carries_quota": True, "paid_for_success": False},
    ):
        good = {k: getattr(program.owner_profile, k) for k in bad}
        services.owner_profile_update(program=program, data=bad)
        _flips(
            program,
            "owner_fit",
            partial(services.owner_profile_update, program=program, data=good),
        )


def test_it_warns_when_the_owner_is_the_trainer(ready_cast: Cast) -> None:
    program = ready_cast.program
    Program.objects.filter(pk=program.pk).update(owner=ready_cast.trainer)  # set before the rule
    fresh = Program.objects.get(pk=program.pk)
    item = next(i for i in readiness_for(fresh).items if i.key == "owner_fit")
    assert not item.ok and "vendor" in item.detail


def test_it_flags_an_existing_ineligible_owner(ready_cast: Cast) -> None:
    Program.objects.filter(pk=ready_cast.program.pk).update(owner=ready_cast.manager)
    fresh = Program.objects.get(pk=ready_cast.program.pk)
    item = next(i for i in readiness_for(fresh).items if i.key == "owner_fit")
    assert not item.ok and "must be an executive" in item.detail


def test_it_flips_goals_with_baselines(ready_cast: Cast) -> None:
    Goal.objects.all().delete()
    from tests.readiness.conftest import goal_ready

    _flips(ready_cast.program, "goals_with_baselines", lambda: goal_ready(ready_cast))


def test_it_flips_measurement_horizon(ready_cast: Cast) -> None:
    goal = Goal.objects.get()
    services.goal_update(goal=goal, data={"horizon_days": 90})
    _flips(
        ready_cast.program,
        "measurement_horizon",
        lambda: services.goal_update(goal=goal, data={"horizon_days": 150}),
    )


def test_it_flips_needs_assessment(ready_cast: Cast) -> None:
    NeedsFactor.objects.filter(factor="brand").delete()
    _flips(
        ready_cast.program,
        "needs_assessment",
        lambda: services.needs_factor_rate(
            program=ready_cast.program, factor="brand", rating="none"
        ),
    )


def test_it_flips_why_message(ready_cast: Cast) -> None:
    WhyMessage.objects.all().delete()
    _flips(
        ready_cast.program,
        "why_message",
        lambda: services.why_message_write(
            program=ready_cast.program,
            author=ready_cast.executive,
            market_change="m",
            status_quo="s",
        ),
    )


def test_it_flips_dissemination(ready_cast: Cast) -> None:
    program = ready_cast.program
    Touch.objects.exclude(channel="email").delete()
    _flips(
        program,
        "dissemination",
        lambda: [
            services.touch_create(
                program=program,
                channel="chat",
                sender=ready_cast.owner,
                date=FIRST_SESSION - dt.timedelta(days=3),
            )
            for _ in range(2)
        ],
    )


def test_it_wants_the_first_touch_early_enough(ready_cast: Cast) -> None:
    program = ready_cast.program
    Touch.objects.update(date=FIRST_SESSION - dt.timedelta(days=13))
    assert _items(program)["dissemination"] is False
    services.readiness_settings_update(program=program, data={"first_touch_lead_days": 7})
    assert _items(program)["dissemination"] is True


def test_it_flips_expectations_per_role(ready_cast: Cast) -> None:
    Expectation.objects.filter(role="rep").delete()
    _flips(
        ready_cast.program,
        "expectations_per_role",
        lambda: services.expectation_write(
            program=ready_cast.program,
            role="rep",
            do_differently="d",
            measured_by="m",
            recognized_by="r",
        ),
    )


def test_it_flips_managers_engaged(ready_cast: Cast) -> None:
    PanelMember.objects.all().delete()
    _flips(
        ready_cast.program,
        "managers_engaged",
        lambda: services.panel_member_add(
            program=ready_cast.program, manager=ready_cast.other_manager, scenarios="Upsell"
        ),
    )


def test_it_flips_managers_trained_first(ready_cast: Cast) -> None:
    program = ready_cast.program
    later = program_services.session_create(
        program=program, title="Later", starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2027, 4, 1)
    )
    manager = Enrollment.objects.filter(person=ready_cast.manager)
    manager.update(session=later)
    assert "Mia Manager" in next(
        i.detail for i in readiness_for(program).items if i.key == "managers_trained_first"
    )
    _flips(
        program, "managers_trained_first", lambda: manager.update(trained_on=dt.date(2027, 2, 1))
    )


def test_it_flips_reinforcement_plan_on_budget_share(ready_cast: Cast) -> None:
    program = ready_cast.program
    program_services.program_update(program=program, data={"budget_reinforcement": Decimal(1)})
    _flips(
        program,
        "reinforcement_plan",
        lambda: program_services.program_update(
            program=program, data={"budget_reinforcement": Decimal(50000)}
        ),
    )


def test_it_flips_reinforcement_plan_on_activities(ready_cast: Cast) -> None:
    program = ready_cast.program
    services.reinforcement_plan_update(program=program, data={"coaching_cadence": "none"})
    _flips(
        program,
        "reinforcement_plan",
        lambda: services.reinforcement_plan_update(program=program, data={"refreshers": True}),
    )


def test_it_flips_control_group_plan(ready_cast: Cast) -> None:
    MeasurementPlan.objects.all().delete()
    _flips(
        ready_cast.program,
        "control_group_plan",
        lambda: services.measurement_plan_update(
            program=ready_cast.program, data={"method": "DiD", "comparison_group": "South"}
        ),
    )


def test_it_costs_a_fixed_number_of_queries(
    ready_cast: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    program = ready_cast.program
    with django_assert_max_num_queries(16):
        readiness_for(program)
    assert OwnerProfile.objects.count() == 1
    assert Role.REP
