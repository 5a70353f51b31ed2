"""Every write to a program's preparation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sustain.lib.services import M, model_create, model_update
from sustain.orgs import access
from sustain.orgs.models import Person, Region, Team
from sustain.programs.models import Program
from sustain.readiness.models import (
    Acknowledgement,
    Expectation,
    ExpectationRole,
    Factor,
    Goal,
    MeasurementPlan,
    NeedsFactor,
    OwnerProfile,
    PanelMember,
    ReadinessSettings,
    ReinforcementPlan,
    Touch,
    WhyMessage,
)

OWNER_PROFILE_FIELDS = (
    "has_sales_experience",
    "sales_years",
    "time_share",
    "carries_quota",
    "paid_for_success",
    "other_programs",
)
GOAL_FIELDS = (
    "kpi",
    "custom_name",
    "baseline_value",
    "baseline_start",
    "baseline_end",
    "target_value",
    "direction",
    "horizon_days",
    "leading_indicators",
)
TOUCH_FIELDS = ("date", "channel", "forum", "audience", "region", "team", "sender", "status")
REINFORCEMENT_FIELDS = (
    "coaching_cadence",
    "refreshers",
    "ninety_day_plans",
    "certification",
    "notes",
)
MEASUREMENT_FIELDS = ("method", "comparison_kind", "comparison_group")
SETTINGS_FIELDS = (
    "min_owner_time_share",
    "min_touches",
    "min_channels",
    "first_touch_lead_days",
    "min_horizon_days",
    "min_reinforcement_share",
)


def _singleton_update(
    model: type[M], program: Program, data: Mapping[str, object], fields: tuple[str, ...]
) -> M:
    """Create the program's one row of `model` on first write, then update it."""
    instance = model._default_manager.filter(program=program).first() or model(program=program)
    if instance.pk is None:
        for name in fields:
            if name in data:
                setattr(instance, name, data[name])
        instance.full_clean()
        instance.save()
        return instance
    return model_update(instance=instance, data=data, fields=fields)


@transaction.atomic
def owner_profile_update(*, program: Program, data: Mapping[str, object]) -> OwnerProfile:
    return _singleton_update(OwnerProfile, program, data, OWNER_PROFILE_FIELDS)


@transaction.atomic
def readiness_settings_update(*, program: Program, data: Mapping[str, object]) -> ReadinessSettings:
    return _singleton_update(ReadinessSettings, program, data, SETTINGS_FIELDS)


@transaction.atomic
def goal_create(
    *,
    program: Program,
    kpi: str,
    baseline_value: Decimal | None,
    baseline_start: dt.date | None,
    baseline_end: dt.date | None,
    target_value: Decimal | None,
    direction: str = "increase",
    horizon_days: int = 120,
    custom_name: str = "",
    leading_indicators: str = "",
) -> Goal:
    return model_create(
        Goal,
        program=program,
        kpi=kpi,
        custom_name=custom_name,
        baseline_value=baseline_value,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        target_value=target_value,
        direction=direction,
        horizon_days=horizon_days,
        leading_indicators=leading_indicators,
    )


@transaction.atomic
def goal_update(*, goal: Goal, data: Mapping[str, object]) -> Goal:
    return model_update(instance=goal, data=data, fields=GOAL_FIELDS)


@transaction.atomic
def needs_factor_rate(
    *, program: Program, factor: str, rating: str, notes: str = ""
) -> NeedsFactor:
    if factor not in Factor.values:
        raise ValidationError({"factor": f"Unknown factor “{factor}”."})
    row = NeedsFactor.objects.filter(program=program, factor=factor).first()
    if row is None:
        return model_create(NeedsFactor, program=program, factor=factor, rating=rating, notes=notes)
    return model_update(
        instance=row, data={"rating": rating, "notes": notes}, fields=("rating", "notes")
    )


@transaction.atomic
def why_message_write(
    *, program: Program, author: Person, market_change: str, status_quo: str, body: str = ""
) -> WhyMessage:
    message = WhyMessage.objects.filter(program=program).first()
    data = {
        "author": author,
        "market_change": market_change,
        "status_quo": status_quo,
        "body": body,
        "updated_at": timezone.now(),
    }
    if message is None:
        return model_create(WhyMessage, program=program, **data)
    return model_update(instance=message, data=data, fields=tuple(data))


@transaction.atomic
def touch_create(
    *,
    program: Program,
    date: dt.date,
    channel: str,
    sender: Person,
    forum: str = "",
    audience: str = "all_reps",
    region: Region | None = None,
    team: Team | None = None,
    status: str = "planned",
) -> Touch:
    return model_create(
        Touch,
        program=program,
        date=date,
        channel=channel,
        forum=forum,
        audience=audience,
        region=region,
        team=team,
        sender=sender,
        status=status,
    )


@transaction.atomic
def touch_update(*, touch: Touch, data: Mapping[str, object]) -> Touch:
    return model_update(instance=touch, data=data, fields=TOUCH_FIELDS)


@transaction.atomic
def acknowledgement_record(
    *, program: Program, rep: Person, pulse: int | None = None
) -> Acknowledgement:
    """A rep or a manager acknowledges the why message; answering again replaces her
    pulse answer (the team pulse counts reps' answers only)."""
    if not access.can_acknowledge_brief(rep, program):
        raise PermissionDenied("Reps and managers acknowledge the message.")
    if pulse is not None and not 1 <= pulse <= 5:
        raise ValidationError(
            {"pulse": (f"The pulse answer is a score from 1 (disagree) to 5 (agree); got {pulse}.")}
        )
    if not WhyMessage.objects.filter(program=program).exists():
        raise ValidationError("There is no message to acknowledge yet.")
    ack = Acknowledgement.objects.filter(program=program, rep=rep).first()
    if ack is None:
        return model_create(Acknowledgement, program=program, rep=rep, pulse=pulse)
    return model_update(
        instance=ack,
        data={"pulse": pulse, "acknowledged_at": timezone.now()},
        fields=("pulse", "acknowledged_at"),
    )


@transaction.atomic
def expectation_write(
    *, program: Program, role: str, do_differently: str, measured_by: str, recognized_by: str
) -> Expectation:
    if role not in ExpectationRole.values:
        roles = ", ".join(ExpectationRole.values)
        raise ValidationError({"role": f"Expectations are for {roles}."})
    data = {
        "do_differently": do_differently,
        "measured_by": measured_by,
        "recognized_by": recognized_by,
    }
    row = Expectation.objects.filter(program=program, role=role).first()
    if row is None:
        return model_create(Expectation, program=program, role=role, **data)
    return model_update(instance=row, data=data, fields=tuple(data))


@transaction.atomic
def panel_member_add(*, program: Program, manager: Person, scenarios: str) -> PanelMember:
    if PanelMember.objects.filter(program=program, manager=manager).exists():
        raise ValidationError({"manager": f"{manager} is already on the panel."})
    return model_create(PanelMember, program=program, manager=manager, scenarios=scenarios)


@transaction.atomic
def panel_member_update(*, member: PanelMember, scenarios: str) -> PanelMember:
    return model_update(instance=member, data={"scenarios": scenarios}, fields=("scenarios",))


@transaction.atomic
def reinforcement_plan_update(*, program: Program, data: Mapping[str, object]) -> ReinforcementPlan:
    return _singleton_update(ReinforcementPlan, program, data, REINFORCEMENT_FIELDS)


@transaction.atomic
def measurement_plan_update(*, program: Program, data: Mapping[str, object]) -> MeasurementPlan:
    return _singleton_update(MeasurementPlan, program, data, MEASUREMENT_FIELDS)
