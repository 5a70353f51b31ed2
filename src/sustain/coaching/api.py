"""Coaching endpoints: observations, rubric, coverage per team and per manager."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.api.pagination import PageRows, paginated
from sustain.api.schemas import Input, Output
from sustain.coaching import selectors, services
from sustain.coaching.models import (
    MAX_ACTIONS,
    DevelopmentAction,
    Observation,
    ObservationScore,
    RubricBehaviour,
)
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Person

router = Router(tags=["coaching"])


class ScoreIn(Input, ModelSchema):
    concept: int
    # Range checked by the service, so a 5 gets the same clear 400 from page and API.
    score: int

    class Meta:
        model = ObservationScore
        fields = ["evidence"]


class ActionIn(Input, ModelSchema):
    class Meta:
        model = DevelopmentAction
        fields = ["text", "due"]


class ObservationIn(Input, ModelSchema):
    rep: int
    scores: list[ScoreIn] = Field(min_length=1, max_length=50)
    actions: list[ActionIn] = Field([], max_length=MAX_ACTIONS)
    program: int | None = None

    class Meta:
        model = Observation
        fields = ["date", "channel", "diagnosis", "private_note", "summary"]


class ScoreOut(Schema):
    concept: int
    concept_name: str
    score: int
    level: str
    evidence: str


class ActionOut(Output, ModelSchema):
    class Meta:
        model = DevelopmentAction
        fields = ["id", "text", "due", "done_on", "plan_item_id"]


class ObservationOut(Schema):
    id: int
    rep: int
    observer: int
    program: int
    date: dt.date
    channel: str
    diagnosis: str
    summary: str
    scores: list[ScoreOut]
    actions: list[ActionOut]
    private_note: str | None = Field(
        None, description="Absent (null) for the rep herself: the manager's own note."
    )


class OverdueRepOut(Schema):
    id: int
    name: str
    last_observed: dt.date | None
    days_overdue: int


class CoverageOut(Schema):
    due: int
    on_time: int
    coverage: float
    overdue_reps: list[OverdueRepOut]


BEHAVIOUR_TEXT = ["name", "level_1", "level_2", "level_3", "level_4"]


class BehaviourIn(Input, ModelSchema):
    class Meta:
        model = RubricBehaviour
        fields = BEHAVIOUR_TEXT


class BehaviourOut(Output, ModelSchema):
    class Meta:
        model = RubricBehaviour
        fields = [*BEHAVIOUR_TEXT, "id", "concept", "position"]


def observation_out(viewer: Person, obs: Observation) -> dict[str, Any]:
    return {
        "id": obs.pk,
        "rep": obs.rep_id,
        "observer": obs.observer_id,
        "program": obs.program_id,
        "date": obs.date,
        "channel": obs.channel,
        "diagnosis": obs.diagnosis,
        "summary": obs.summary,
        "scores": [
            {
                "concept": s.concept_id,
                "concept_name": s.concept.name,
                "score": s.score,
                "level": s.get_score_display(),
                "evidence": s.evidence,
            }
            for s in obs.scores.all()
        ],
        "actions": list(obs.actions.all()),
        "private_note": obs.private_note if access.sees_private_note(viewer, obs) else None,
    }


def _coverage_out(cov: dict[str, Any]) -> dict[str, Any]:
    return {
        "due": cov["due"],
        "on_time": cov["on_time"],
        "coverage": cov["coverage"],
        "overdue_reps": [
            {
                "id": s.rep.pk,
                "name": s.rep.name,
                "last_observed": s.last_observed,
                "days_overdue": s.days_overdue,
            }
            for s in cov["overdue"]
        ],
    }


@router.post("/observations", response={201: ObservationOut})
def observations_create(
    request: AuthenticatedHttpRequest, payload: ObservationIn
) -> Status[dict[str, Any]]:
    rep = access.get_rep_to_observe(request.user, payload.rep)
    program = access.get_program_for(request.user, payload.program) if payload.program else None
    columns = payload.dict(include={"date", "channel", "diagnosis", "private_note", "summary"})
    obs = services.observation_create(
        observer=request.user,
        rep=rep,
        scores=[s.dict() for s in payload.scores],
        actions=[a.dict() for a in payload.actions],
        program=program,
        **columns,
    )
    return Status(201, observation_out(request.user, obs))


@router.get("/observations/{observation_id}", response=ObservationOut)
def observations_detail(request: AuthenticatedHttpRequest, observation_id: int) -> dict[str, Any]:
    obs = access.get_observation_for(request.user, observation_id)
    return observation_out(request.user, obs)


@router.get("/reps/{rep_id}/observations", response=list[ObservationOut])
@paginated
def rep_observations(
    request: AuthenticatedHttpRequest, rep_id: int
) -> PageRows[Observation, dict[str, Any]]:
    """Newest first."""
    rep = access.get_rep_for(request.user, rep_id)
    qs = selectors.observations_for_rep(
        observations=access.observations_visible_to(request.user), rep=rep
    ).order_by("-date", "-id")
    return PageRows(qs, lambda page: [observation_out(request.user, o) for o in page])


@router.get("/teams/{team_id}/coverage", response=CoverageOut)
def team_coverage(request: AuthenticatedHttpRequest, team_id: int) -> dict[str, Any]:
    team = access.get_team_for(request.user, team_id)
    cov = selectors.coverage(reps=selectors.team_reps([team.pk]), today=timezone.localdate())
    return _coverage_out(cov)


@router.get("/managers/{manager_id}/coverage", response=CoverageOut)
def manager_coverage(request: AuthenticatedHttpRequest, manager_id: int) -> dict[str, Any]:
    manager = access.get_person_for(request.user, manager_id)
    teams = access.teams_visible_to(request.user).filter(manager=manager)
    cov = selectors.coverage(
        reps=selectors.team_reps(teams.values_list("pk", flat=True)), today=timezone.localdate()
    )
    return _coverage_out(cov)


@router.post("/actions/{action_id}/done", response=ActionOut)
def action_done(request: AuthenticatedHttpRequest, action_id: int) -> Any:
    action = access.get_development_action_for(request.user, action_id, write=True)
    return services.action_mark_done(action=action, done_on=timezone.localdate())


@router.get("/programs/{program_id}/rubric", response=list[BehaviourOut])
@paginated
def rubric_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[RubricBehaviour]:
    """The program's rubric behaviours in concept order, then their own (then id)."""
    program = access.get_program_for(request.user, program_id)
    return RubricBehaviour.objects.filter(concept__program=program).order_by(
        "concept__position", "position", "id"
    )


@router.post("/concepts/{concept_id}/behaviours", response={201: BehaviourOut})
def rubric_create(
    request: AuthenticatedHttpRequest, concept_id: int, payload: BehaviourIn
) -> Status[RubricBehaviour]:
    concept = access.get_concept_for(request.user, concept_id, write=True)
    return Status(201, services.rubric_behaviour_create(concept=concept, **payload.dict()))
