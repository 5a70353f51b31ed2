"""Plans: the signed-in rep's plan (fixed contract under /me), plans of a team or program
for managers, and aggregates for everyone who sees the program (the trainer too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.api.pagination import PageRows, paginated
from sustain.api.schemas import Input, Output
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.plans import models, selectors, services
from sustain.plans.models import CheckIn, Phase, Plan, PlanItem
from sustain.plans.selectors import PlanProgress
from sustain.programs.selectors import program_settings

router = Router(tags=["plans"])


class PhaseOut(Schema):
    id: int
    concept: str
    concept_id: int
    position: int
    days: int
    start: dt.date
    end: dt.date
    behaviours: list[str]
    goal: str


class PlanItemOut(Schema):
    id: int
    text: str
    due: dt.date | None
    source: str
    done: bool


class PlanOut(Schema):
    id: int
    rep: int
    rep_name: str
    program: int
    start: dt.date
    end: dt.date
    restart_note: str
    committed_at: dt.datetime | None
    mandatory: bool
    mandatory_reason: str
    reason_text: str
    status: str
    current_concept: str | None
    percent: int
    streak: int
    missed_check_ins: int
    last_rating: int | None
    flagged_uncommitted: bool
    phases: list[PhaseOut]
    items: list[PlanItemOut]


class PlanSummaryOut(Schema):
    plans: int
    committed: int
    mandatory: int
    in_progress: int
    finished: int
    check_in_rate: float | None
    average_rating: float | None
    suppressed: str | None = None


class CheckInIn(Input, ModelSchema):
    class Meta:
        model = CheckIn
        fields = ["applied", "struggled", "rating"]


class CheckInOut(Output, ModelSchema):
    concept: str | None

    class Meta:
        model = CheckIn
        fields = ["id", "week", "applied", "struggled", "rating"]

    @staticmethod
    def resolve_concept(obj: CheckIn) -> str | None:
        return obj.phase.concept.name if obj.phase else None


class PhaseIn(Input, ModelSchema):
    id: int

    class Meta:
        model = Phase
        fields = ["days", "goal", "behaviours"]
        fields_optional = "__all__"


class PhasesIn(Input):
    phases: list[PhaseIn] = Field(max_length=50)


class PlanCreateIn(Input):
    person: int


class RestartIn(Input, ModelSchema):
    # The plan's `restart_note`, which a restart must give.
    note: str = Field(min_length=1, max_length=Plan._meta.get_field("restart_note").max_length)

    class Meta:
        model = Plan
        fields = ["start"]


class BelowQuotaIn(Input):
    below_quota: bool


class PolicyOut(Output, ModelSchema):
    class Meta:
        model = models.PlanPolicy
        fields = list(services.POLICY_FIELDS)


class PolicyPatch(Input, ModelSchema):
    class Meta:
        model = models.PlanPolicy
        fields = list(services.POLICY_FIELDS)
        fields_optional = "__all__"


class ItemDoneIn(Input):
    done: bool = True


class ItemIn(Input, ModelSchema):
    class Meta:
        model = PlanItem
        fields = ["text", "due", "source"]


def _out(p: PlanProgress) -> dict[str, object]:
    plan = p.plan
    current = p.current
    return {
        "id": plan.pk,
        "rep": plan.rep_id,
        "rep_name": plan.rep.name,
        "program": plan.program_id,
        "start": plan.start,
        "end": p.end,
        "restart_note": plan.restart_note,
        "committed_at": plan.committed_at,
        "mandatory": plan.mandatory,
        "mandatory_reason": plan.mandatory_reason,
        "reason_text": plan.reason_text,
        "status": p.status,
        "current_concept": current.concept if current else None,
        "percent": p.percent,
        "streak": p.streak,
        "missed_check_ins": p.missed,
        "last_rating": p.last_rating,
        "flagged_uncommitted": p.overdue_commitment,
        "phases": [
            {
                "id": d.phase.pk,
                "concept": d.concept,
                "concept_id": d.phase.concept_id,
                "position": d.phase.position,
                "days": d.phase.days,
                "start": d.start,
                "end": d.end,
                "behaviours": d.phase.behaviour_list,
                "goal": d.phase.goal,
            }
            for d in p.phases
        ],
        "items": [
            {
                "id": i.pk,
                "text": i.text,
                "due": i.due,
                "source": i.source,
                "done": i.done_at is not None,
            }
            for i in plan.items.all()
        ],
    }


def _today() -> dt.date:
    return timezone.localdate()


def my_plan(request: AuthenticatedHttpRequest) -> Plan:
    plan = selectors.plan_for_rep(request.user)
    if plan is None:
        raise Http404
    return plan


@router.get("/me/plan", response=PlanOut)
def me_plan(request: AuthenticatedHttpRequest) -> dict[str, object]:
    return _out(selectors.plan_progress(my_plan(request), today=_today()))


@router.post("/me/plan/commit", response=PlanOut)
def me_plan_commit(request: AuthenticatedHttpRequest) -> dict[str, object]:
    plan = services.plan_commit(plan=my_plan(request))
    return _out(selectors.plan_progress(plan, today=_today()))


@router.patch("/me/plan/phases", response=PlanOut)
def me_plan_phases(request: AuthenticatedHttpRequest, payload: PhasesIn) -> dict[str, object]:
    plan = my_plan(request)
    services.plan_phases_update(plan=plan, phases=[p.dict() for p in payload.phases])
    return _out(selectors.plan_progress(plan, today=_today()))


@router.post("/me/check-ins", response={201: CheckInOut})
def me_check_in(request: AuthenticatedHttpRequest, payload: CheckInIn) -> Status[CheckIn]:
    plan = my_plan(request)
    return Status(201, services.check_in_record(plan=plan, **payload.dict(), today=_today()))


@router.get("/me/check-ins", response=list[CheckInOut])
@paginated
def me_check_ins(request: AuthenticatedHttpRequest) -> QuerySet[CheckIn]:
    """The caller's check-ins, newest week first (then by id)."""
    plan = my_plan(request)
    return plan.check_ins.select_related("phase__concept").order_by("-week", "-id")


@router.get("/plans/{plan_id}", response=PlanOut)
def plans_detail(request: AuthenticatedHttpRequest, plan_id: int) -> dict[str, object]:
    plan = access.get_plan_for(request.user, plan_id)
    return _out(selectors.plan_progress(plan, today=_today()))


@router.get("/plans/{plan_id}/check-ins", response=list[CheckInOut])
@paginated
def plans_check_ins(request: AuthenticatedHttpRequest, plan_id: int) -> QuerySet[CheckIn]:
    """The plan's check-ins, newest week first (then by id)."""
    plan = access.get_plan_for(request.user, plan_id)
    return plan.check_ins.select_related("phase__concept").order_by("-week", "-id")


@router.post("/plans/{plan_id}/check-ins", response={201: CheckInOut})
def plans_check_in(
    request: AuthenticatedHttpRequest, plan_id: int, payload: CheckInIn
) -> Status[CheckIn]:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_check_in)
    return Status(201, services.check_in_record(plan=plan, **payload.dict(), today=_today()))


@router.patch("/plans/{plan_id}/phases", response=PlanOut)
def plans_phases(
    request: AuthenticatedHttpRequest, plan_id: int, payload: PhasesIn
) -> dict[str, object]:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_shape_plan)
    services.plan_phases_update(plan=plan, phases=[p.dict() for p in payload.phases])
    return _out(selectors.plan_progress(plan, today=_today()))


@router.post("/plans/{plan_id}/restart", response=PlanOut)
def plans_restart(
    request: AuthenticatedHttpRequest, plan_id: int, payload: RestartIn
) -> dict[str, object]:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_manage_plan)
    services.plan_restart(plan=plan, **payload.dict())
    return _out(selectors.plan_progress(plan, today=_today()))


@router.post("/plans/{plan_id}/below-quota", response=PlanOut)
def plans_below_quota(
    request: AuthenticatedHttpRequest, plan_id: int, payload: BelowQuotaIn
) -> dict[str, object]:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_manage_plan)
    services.plan_set_below_quota(plan=plan, flag=payload.below_quota)
    return _out(selectors.plan_progress(plan, today=_today()))


@router.post("/plans/{plan_id}/items", response={201: PlanItemOut})
def plans_item_add(
    request: AuthenticatedHttpRequest, plan_id: int, payload: ItemIn
) -> Status[dict[str, Any]]:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_shape_plan)
    item: PlanItem = services.plan_item_add(plan=plan, **payload.dict())
    return Status(
        201,
        {"id": item.pk, "text": item.text, "due": item.due, "source": item.source, "done": False},
    )


@router.get("/programs/{program_id}/plans", response=list[PlanOut])
@paginated
def program_plans(
    request: AuthenticatedHttpRequest, program_id: int
) -> PageRows[Plan, dict[str, object]]:
    program = access.get_program_for(request.user, program_id)
    if not access.sees_individuals(request.user):
        raise PermissionDenied("Trainers see the plans' aggregates, not individual reps.")
    plans = access.plans_visible_to(request.user).filter(program=program)
    return _page_rows(plans)


@router.post("/programs/{program_id}/plans", response={201: PlanOut})
def program_plan_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: PlanCreateIn
) -> Status[dict[str, object]]:
    program = access.get_program_for(request.user, program_id)
    person = access.get_person_for(request.user, payload.person)
    if not (
        access.can_edit_program(request.user, program)
        or (person.team is not None and person.team.manager_id == request.user.pk)
    ):
        raise PermissionDenied("Only the rep's manager or a program editor creates plans.")
    enrollment = program.enrollments.filter(person=person).first()
    if enrollment is None:
        raise ValidationError({"person": f"{person} is not enrolled in this program."})
    plan = services.plan_create(enrollment=enrollment)
    return Status(201, _out(selectors.plan_progress(plan, today=_today())))


@router.get("/programs/{program_id}/plans/summary", response=PlanSummaryOut)
def program_plans_summary(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, object]:
    program = access.get_program_for(request.user, program_id)
    return selectors.program_summary(program=program, today=_today(), viewer=request.user)


@router.get("/teams/{team_id}/plans", response=list[PlanOut])
@paginated
def team_plans(
    request: AuthenticatedHttpRequest, team_id: int
) -> PageRows[Plan, dict[str, object]]:
    team = access.get_team_for(request.user, team_id)
    return _page_rows(selectors.team_plans(viewer=request.user, team=team))


def _page_rows(plans: QuerySet[Plan]) -> PageRows[Plan, dict[str, object]]:
    """The plans by rep name, each page's progress computed when it is cut."""
    today = _today()
    return PageRows(
        selectors.plans_with_everything(plans),
        lambda page: [_out(p) for p in selectors.plans_progress_of(page, today=today)],
    )


@router.post("/plans/{plan_id}/items/{item_id}/done", response=PlanItemOut)
def plans_item_done(
    request: AuthenticatedHttpRequest, plan_id: int, item_id: int, payload: ItemDoneIn
) -> dict[str, object]:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_shape_plan)
    item = plan.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    item = services.plan_item_done(item=item, done=payload.done)
    return {
        "id": item.pk,
        "text": item.text,
        "due": item.due,
        "source": item.source,
        "done": item.done_at is not None,
    }


@router.get("/programs/{program_id}/plan-policy", response=PolicyOut)
def plan_policy(request: AuthenticatedHttpRequest, program_id: int) -> object:
    return program_settings(access.get_program_for(request.user, program_id), models.PlanPolicy)


@router.patch("/programs/{program_id}/plan-policy", response=PolicyOut)
def plan_policy_update(
    request: AuthenticatedHttpRequest, program_id: int, payload: PolicyPatch
) -> object:
    program = access.get_program_for(request.user, program_id, write=True)
    return services.plan_policy_update(program=program, data=payload.dict(exclude_unset=True))
