"""Readiness check and preparation endpoints: owner fit, goals, needs assessment, the why
message and its touches, acknowledgements and pulse, expectations, panel, plans."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.api.pagination import PageRows, paginated
from sustain.api.schemas import Input, Output, api_enum
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Region, Team
from sustain.programs.models import Program
from sustain.programs.selectors import program_settings
from sustain.readiness import models, selectors, services
from sustain.readiness.checks import owner_warnings, readiness_for
from sustain.readiness.models import (
    Audience,
    Channel,
    CoachingCadence,
    ComparisonKind,
    Factor,
    Goal,
    Kpi,
    PanelMember,
    Severity,
    Touch,
    TouchStatus,
)
from sustain.readiness.models import (
    Direction as GoalDirectionChoices,
)

router = Router(tags=["readiness"])
if TYPE_CHECKING:  # the same members and values; the checker cannot see a dynamic enum's
    GoalDirection = GoalDirectionChoices
else:
    GoalDirection = api_enum("GoalDirection", GoalDirectionChoices)


class ReadinessItemOut(Schema):
    key: str
    ok: bool
    detail: str
    todo: str


class ReadinessOut(Schema):
    ready: bool
    items: list[ReadinessItemOut]


@router.get("/programs/{program_id}/readiness", response=ReadinessOut)
def readiness(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    program = access.get_program_preparation_for(request.user, program_id)
    result = readiness_for(program)
    return {"ready": result.ready, "items": [i.as_dict() for i in result.items]}


class SettingsSchema(Output, ModelSchema):
    class Meta:
        model = models.ReadinessSettings
        fields = list(services.SETTINGS_FIELDS)


class SettingsPatch(Input, ModelSchema):
    class Meta:
        model = models.ReadinessSettings
        fields = list(services.SETTINGS_FIELDS)
        fields_optional = "__all__"


@router.get("/programs/{program_id}/readiness-settings", response=SettingsSchema)
def settings_detail(request: AuthenticatedHttpRequest, program_id: int) -> object:
    program = access.get_program_preparation_for(request.user, program_id)
    return program_settings(program, models.ReadinessSettings)


@router.patch("/programs/{program_id}/readiness-settings", response=SettingsSchema)
def settings_update(
    request: AuthenticatedHttpRequest, program_id: int, payload: SettingsPatch
) -> object:
    access.get_program_preparation_for(request.user, program_id)
    program = access.get_program_text_for(request.user, program_id, write=True)
    return services.readiness_settings_update(
        program=program, data=payload.dict(exclude_unset=True)
    )


class OwnerProfileOut(Schema):
    owner: int | None
    has_sales_experience: bool | None = None
    sales_years: int = 0
    time_share: int = 0
    carries_quota: bool = False
    paid_for_success: bool = False
    other_programs: str = ""
    other_programs_in_sustain: list[str]
    warnings: list[str]


class OwnerProfilePatch(Input, ModelSchema):
    class Meta:
        model = models.OwnerProfile
        fields = list(services.OWNER_PROFILE_FIELDS)
        fields_optional = "__all__"


def _owner_profile(program: Program) -> dict[str, Any]:
    profile = selectors.one_to_one(program, "owner_profile")
    settings = program_settings(program, models.ReadinessSettings)
    data = {f: getattr(profile, f) for f in services.OWNER_PROFILE_FIELDS} if profile else {}
    others = selectors.other_owned(program=program)
    return {
        **data,
        "owner": program.owner_id,
        "warnings": owner_warnings(program, profile, settings),
        "other_programs_in_sustain": [p.name for p in others],
    }


@router.get("/programs/{program_id}/owner-profile", response=OwnerProfileOut)
def owner_profile_detail(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    return _owner_profile(access.get_program_preparation_for(request.user, program_id))


@router.patch("/programs/{program_id}/owner-profile", response=OwnerProfileOut)
def owner_profile_update(
    request: AuthenticatedHttpRequest, program_id: int, payload: OwnerProfilePatch
) -> dict[str, Any]:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    services.owner_profile_update(program=program, data=payload.dict(exclude_unset=True))
    program.refresh_from_db()
    return _owner_profile(program)


class GoalOut(Output, ModelSchema):
    label: str = Field(description="The KPI's name, or the custom one.")

    class Meta:
        model = models.Goal
        fields = ["id", *services.GOAL_FIELDS]


# Kpi and direction are enumerations in the document, under names of their own.
GOAL_FIELDS = [f for f in services.GOAL_FIELDS if f not in ("kpi", "direction")]


class GoalIn(Input, ModelSchema):
    kpi: Kpi
    direction: GoalDirection = GoalDirection.INCREASE

    class Meta:
        model = models.Goal
        fields = GOAL_FIELDS


class GoalPatch(Input, ModelSchema):
    kpi: Kpi | None = None
    direction: GoalDirection | None = None

    class Meta:
        model = models.Goal
        fields = GOAL_FIELDS
        fields_optional = "__all__"


def _get_goal(request: AuthenticatedHttpRequest, goal_id: int, *, write: bool) -> Goal:
    return access.get_preparation_part_for(request.user, Goal, goal_id, write=write)


@router.get("/programs/{program_id}/goals", response=list[GoalOut])
@paginated
def goals_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[Goal]:
    """The program's goals in the order they were written (by id)."""
    return access.get_program_preparation_for(request.user, program_id).goals.order_by("id")


@router.post("/programs/{program_id}/goals", response={201: GoalOut})
def goals_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: GoalIn
) -> Status[Goal]:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    return Status(201, services.goal_create(program=program, **payload.dict()))


@router.patch("/goals/{goal_id}", response=GoalOut)
def goals_update(request: AuthenticatedHttpRequest, goal_id: int, payload: GoalPatch) -> Goal:
    goal = _get_goal(request, goal_id, write=True)
    return services.goal_update(goal=goal, data=payload.dict(exclude_unset=True))


class NeedOut(Schema):
    factor: str
    label: str
    rating: str
    notes: str | None = Field(description="None for the trainer: notes can hold pay policy.")


class NeedIn(Input, ModelSchema):
    rating: Severity

    class Meta:
        model = models.NeedsFactor
        fields = ["notes"]


@router.get("/programs/{program_id}/needs", response=list[NeedOut])
@paginated
def needs_list(request: AuthenticatedHttpRequest, program_id: int) -> list[selectors.NeedsContext]:
    program = access.get_program_aggregates_for(request.user, program_id)
    rows = selectors.needs_context(program=program)
    if access.sees_impact_costs(request.user, program):
        return rows
    return [dataclasses.replace(r, notes=None) for r in rows]


@router.patch("/programs/{program_id}/needs/{factor}", response=NeedOut)
def needs_rate(
    request: AuthenticatedHttpRequest, program_id: int, factor: Factor, payload: NeedIn
) -> selectors.NeedsContext:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    services.needs_factor_rate(program=program, factor=factor, **payload.dict())
    return next(n for n in selectors.needs_context(program=program) if n.factor == factor)


class WhyOut(Schema):
    author: int
    author_name: str
    market_change: str
    status_quo: str
    body: str
    updated_at: dt.datetime


class WhyIn(Input, ModelSchema):
    author: int | None = Field(None, description="An executive; defaults to the caller.")

    class Meta:
        model = models.WhyMessage
        fields = ["market_change", "status_quo", "body"]


class ExpectationOut(Output, ModelSchema):
    class Meta:
        model = models.Expectation
        fields = ["role", "do_differently", "measured_by", "recognized_by"]


class BriefOut(Schema):
    """What a rep sees of the preparation."""

    why: WhyOut | None
    expectations: list[ExpectationOut]
    acknowledged: bool
    pulse: int | None


def _why(program: Program) -> dict[str, Any] | None:
    why = selectors.one_to_one(program, "why_message")
    if why is None:
        return None
    return {
        "author": why.author_id,
        "author_name": why.author.name,
        "market_change": why.market_change,
        "status_quo": why.status_quo,
        "body": why.body,
        "updated_at": why.updated_at,
    }


@router.get("/programs/{program_id}/why-message", response={200: WhyOut})
def why_detail(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    why = _why(access.get_program_brief_for(request.user, program_id))
    if why is None:
        raise Http404
    return why


@router.put("/programs/{program_id}/why-message", response=WhyOut)
def why_write(
    request: AuthenticatedHttpRequest, program_id: int, payload: WhyIn
) -> dict[str, Any] | None:
    program = access.get_program_text_for(request.user, program_id, write=True)
    author = access.get_person_for(request.user, payload.author) if payload.author else request.user
    services.why_message_write(program=program, author=author, **payload.dict(exclude={"author"}))
    program.refresh_from_db()
    return _why(program)


@router.get("/programs/{program_id}/brief", response=BriefOut)
def brief(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    program = access.get_program_brief_for(request.user, program_id)
    ack = program.acknowledgements.filter(rep=request.user).first()
    roles = access.expectation_roles_for(request.user, program)
    return {
        "why": _why(program),
        "acknowledged": ack is not None,
        "pulse": ack.pulse if ack else None,
        "expectations": list(program.expectations.filter(role__in=roles)),
    }


class AcknowledgeIn(Input):
    pulse: int | None = None


class AcknowledgeOut(Schema):
    acknowledged: bool
    pulse: int | None


@router.post("/programs/{program_id}/acknowledgement", response={201: AcknowledgeOut})
def acknowledge(
    request: AuthenticatedHttpRequest, program_id: int, payload: AcknowledgeIn
) -> Status[dict[str, Any]]:
    program = access.get_program_brief_for(request.user, program_id)
    ack = services.acknowledgement_record(program=program, rep=request.user, pulse=payload.pulse)
    return Status(201, {"acknowledged": True, "pulse": ack.pulse})


class TeamPulseOut(Schema):
    team: str
    reps: int
    acknowledged: int
    answered: int
    average: float | None


@router.get("/programs/{program_id}/pulse", response=list[TeamPulseOut])
@paginated
def pulse(
    request: AuthenticatedHttpRequest, program_id: int
) -> PageRows[Team, selectors.TeamPulse]:
    """By team name."""
    program = access.get_program_aggregates_for(request.user, program_id)
    return PageRows(
        selectors.pulse_teams(program=program),
        lambda page: selectors.pulse_of_teams(program=program, teams=page),
    )


class TouchOut(Output, ModelSchema):
    class Meta:
        model = models.Touch
        fields = [
            "id",
            "date",
            "channel",
            "forum",
            "audience",
            "region",
            "team",
            "sender",
            "status",
        ]


class TouchIn(Input, ModelSchema):
    channel: Channel
    audience: Audience = Audience.ALL_REPS
    region: int | None = None
    team: int | None = None
    sender: int | None = Field(None, description="Defaults to the caller.")
    status: TouchStatus = TouchStatus.PLANNED

    class Meta:
        model = models.Touch
        fields = ["date", "forum"]


class TouchPatch(Input, ModelSchema):
    channel: Channel | None = None
    status: TouchStatus | None = None

    class Meta:
        model = models.Touch
        fields = ["date", "forum"]
        fields_optional = "__all__"


def _org_refs(
    request: AuthenticatedHttpRequest, program: Program, data: dict[str, Any]
) -> dict[str, Any]:
    """Turn region/team/sender ids into the caller's organization's rows (404 otherwise)."""
    if data.get("region") is not None:
        region = Region.objects.filter(
            organization_id=program.organization_id, pk=data["region"]
        ).first()
        if region is None:
            raise Http404
        data["region"] = region
    if data.get("team") is not None:
        data["team"] = access.get_team_for(request.user, data["team"])
    data["sender"] = (
        access.get_person_for(request.user, data["sender"]) if data.get("sender") else request.user
    )
    return data


@router.get("/programs/{program_id}/touches", response=list[TouchOut])
@paginated
def touches_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[Touch]:
    """The program's communication touches by date (then id)."""
    program = access.get_program_preparation_for(request.user, program_id)
    return program.touches.order_by("date", "id")


@router.post("/programs/{program_id}/touches", response={201: TouchOut})
def touches_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: TouchIn
) -> Status[Touch]:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    data = _org_refs(request, program, payload.dict())
    return Status(201, services.touch_create(program=program, **data))


@router.patch("/touches/{touch_id}", response=TouchOut)
def touches_update(request: AuthenticatedHttpRequest, touch_id: int, payload: TouchPatch) -> Touch:
    touch = access.get_preparation_part_for(request.user, Touch, touch_id, write=True)
    return services.touch_update(touch=touch, data=payload.dict(exclude_unset=True))


class ExpectationIn(Input, ModelSchema):
    class Meta:
        model = models.Expectation
        fields = ["do_differently", "measured_by", "recognized_by"]


@router.get("/programs/{program_id}/expectations", response=list[ExpectationOut])
@paginated
def expectations_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[Any]:
    """The expectations the caller may read, by id."""
    program = access.get_program_brief_for(request.user, program_id)
    roles = access.expectation_roles_for(request.user, program)
    return program.expectations.filter(role__in=roles).order_by("id")


@router.put("/programs/{program_id}/expectations/{role}", response=ExpectationOut)
def expectations_write(
    request: AuthenticatedHttpRequest,
    program_id: int,
    role: Literal["executive", "manager", "rep"],
    payload: ExpectationIn,
) -> object:
    program = access.get_program_text_for(request.user, program_id, write=True)
    return services.expectation_write(program=program, role=role, **payload.dict())


class PanelOut(Output, ModelSchema):
    manager_name: str

    class Meta:
        model = models.PanelMember
        fields = ["id", "manager", "scenarios"]

    @staticmethod
    def resolve_manager_name(obj: PanelMember) -> str:
        return obj.manager.name


class PanelIn(Input, ModelSchema):
    manager: int | None = Field(None, description="Defaults to the caller (a manager).")

    class Meta:
        model = models.PanelMember
        fields = ["scenarios"]


@router.get("/programs/{program_id}/panel", response=list[PanelOut])
@paginated
def panel_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[PanelMember]:
    """The program's manager panel, by id."""
    program = access.get_program_manager_part_for(request.user, program_id)
    return program.panel.select_related("manager").order_by("id")


@router.post("/programs/{program_id}/panel", response={201: PanelOut})
def panel_add(
    request: AuthenticatedHttpRequest, program_id: int, payload: PanelIn
) -> Status[PanelMember]:
    program = access.get_program_manager_part_for(request.user, program_id, write=True)
    if access.can_edit_program(request.user, program) and payload.manager:
        manager = access.get_person_for(request.user, payload.manager)
    elif payload.manager in (None, request.user.pk):
        manager = request.user
    else:
        raise PermissionDenied("A manager puts herself on the panel.")
    return Status(
        201,
        services.panel_member_add(
            program=program, manager=manager, scenarios=payload.dict()["scenarios"]
        ),
    )


class PanelPatch(Input, ModelSchema):
    class Meta:
        model = models.PanelMember
        fields = ["scenarios"]


@router.patch("/panel/{member_id}", response=PanelOut)
def panel_update(
    request: AuthenticatedHttpRequest, member_id: int, payload: PanelPatch
) -> PanelMember:
    member = access.get_program_part_for(request.user, PanelMember, member_id, related=("manager",))
    program = access.get_program_manager_part_for(request.user, member.program_id, write=True)
    if not access.can_edit_program(request.user, program) and member.manager_id != request.user.pk:
        raise PermissionDenied("A manager edits her own scenarios.")
    return services.panel_member_update(member=member, scenarios=payload.dict()["scenarios"])


class ReinforcementPlanSchema(Schema):
    coaching_cadence: CoachingCadence = CoachingCadence.NONE
    refreshers: bool = False
    ninety_day_plans: bool = False
    certification: bool = False
    notes: str = ""


class ReinforcementPlanOut(ReinforcementPlanSchema):
    reinforcement_share: float


class ReinforcementPlanPatch(Input, ModelSchema):
    coaching_cadence: CoachingCadence | None = None

    class Meta:
        model = models.ReinforcementPlan
        fields = ["refreshers", "ninety_day_plans", "certification", "notes"]
        fields_optional = "__all__"


def _reinforcement(program: Program) -> dict[str, Any]:
    reinforcement = selectors.one_to_one(program, "reinforcement_plan")
    data = (
        {f: getattr(reinforcement, f) for f in services.REINFORCEMENT_FIELDS}
        if reinforcement
        else {}
    )
    return {**data, "reinforcement_share": round(program.reinforcement_share, 4)}


@router.get("/programs/{program_id}/reinforcement-plan", response=ReinforcementPlanOut)
def plan_detail(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    return _reinforcement(access.get_program_preparation_for(request.user, program_id))


@router.patch("/programs/{program_id}/reinforcement-plan", response=ReinforcementPlanOut)
def plan_update(
    request: AuthenticatedHttpRequest, program_id: int, payload: ReinforcementPlanPatch
) -> dict[str, Any]:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    services.reinforcement_plan_update(program=program, data=payload.dict(exclude_unset=True))
    program.refresh_from_db()
    return _reinforcement(program)


class MeasurementSchema(Schema):
    method: str = ""
    comparison_kind: ComparisonKind = ComparisonKind.LATER_TRAINED
    comparison_group: str = ""


class MeasurementPatch(Input, ModelSchema):
    comparison_kind: ComparisonKind | None = None

    class Meta:
        model = models.MeasurementPlan
        fields = ["method", "comparison_group"]
        fields_optional = "__all__"


@router.get("/programs/{program_id}/measurement-plan", response=MeasurementSchema)
def measurement_detail(request: AuthenticatedHttpRequest, program_id: int) -> object:
    program = access.get_program_preparation_for(request.user, program_id)
    return selectors.one_to_one(program, "measurement_plan") or {}


@router.patch("/programs/{program_id}/measurement-plan", response=MeasurementSchema)
def measurement_update(
    request: AuthenticatedHttpRequest, program_id: int, payload: MeasurementPatch
) -> object:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    return services.measurement_plan_update(program=program, data=payload.dict(exclude_unset=True))
