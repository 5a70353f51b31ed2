"""Impact analysis runs per program and KPI."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.analysis import selectors, services
from sustain.analysis.models import AnalysisRun, BasePeriod, Cluster, Control, Sensitivity
from sustain.api.pagination import paginated
from sustain.api.schemas import Input, Output
from sustain.lib.jobs import finite_or_none
from sustain.orgs import access, privacy
from sustain.orgs.http import AuthenticatedHttpRequest

router = Router(tags=["analysis"])


# A rep attribute's name, as long as the run's `by` column allows.
Attribute = Annotated[str, Field(max_length=AnalysisRun._meta.get_field("by").max_length)]


class RunIn(Input, ModelSchema):
    kpi: int
    control: Control = Control.NEVER
    covariates: list[Attribute] = Field(
        default_factory=list, description="Rep attributes the sales trend may depend on."
    )
    cluster: Cluster = Field(
        default=Cluster.TEAM,
        description="Level whose reps share shocks; clustered only with at least 10 of them.",
    )
    anticipation: int = Field(default=0, ge=0, le=services.MAX_ANTICIPATION)
    base_period: BasePeriod = BasePeriod.VARYING
    sensitivity: Sensitivity = Field(
        default=Sensitivity.RM,
        description="HonestDiD sensitivity of the average effect over the first periods after "
        "training: rm (relative magnitudes), smooth or none; needs base_period universal "
        "(otherwise the result's meta.sensitivity_note says it was not computed).",
    )

    class Meta:
        model = AnalysisRun
        fields = ["by"]


class RunListOut(Output, ModelSchema):
    """A run in the list: what was asked and how far it got. The result is on the run
    itself (GET /analyses/{id})."""

    covariates: list[str]

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "program",
            "kpi",
            "by",
            "control",
            "covariates",
            "cluster",
            "anticipation",
            "base_period",
            "sensitivity",
            "status",
            "progress",
            "message",
            "created_at",
        ]


class RunOut(RunListOut):
    result: dict[str, Any] | None

    @staticmethod
    def resolve_result(obj: AnalysisRun, context: dict[str, Any]) -> dict[str, Any] | None:
        """The ROI (costs inside) only for those who may see what the program cost; the
        estimates only from k reps up for those who may not see them one by one."""
        viewer = context["request"].user
        # Runs stored before results were cleaned may hold NaN or Infinity: not JSON.
        result: dict[str, Any] | None = finite_or_none(obj.result)
        if result is None:
            return None
        if not selectors.run_shown(viewer, obj):
            return {"meta": result.get("meta", {}), "suppressed": privacy.withheld(viewer)}
        if access.sees_impact_costs(viewer, obj.program):
            return result
        return {k: v for k, v in result.items() if k != "roi"}


@router.get("/programs/{program_id}/analyses", response=list[RunListOut])
@paginated
def runs_list(request: AuthenticatedHttpRequest, program_id: int) -> QuerySet[AnalysisRun]:
    """The program's runs, newest first (then by id), without their results."""
    program = access.get_program_impact_for(request.user, program_id)
    return program.analysis_runs.defer("result").order_by("-created_at", "-id")


@router.post("/programs/{program_id}/analyses", response={201: RunOut})
def runs_create(
    request: AuthenticatedHttpRequest, program_id: int, payload: RunIn
) -> Status[AnalysisRun]:
    program = access.get_program_impact_for(request.user, program_id)
    if not access.can_run_analysis(request.user, program):
        raise PermissionDenied("Only analysts, owners, executives and admins run analyses.")
    kpi = access.get_kpi_for(request.user, payload.kpi)
    run = services.analysis_run_create(
        program=program,
        kpi=kpi,
        by=payload.dict()["by"],
        control=payload.control,
        created_by=request.user,
        covariates=payload.covariates,
        cluster=payload.cluster,
        anticipation=payload.anticipation,
        base_period=payload.base_period,
        sensitivity=payload.sensitivity,
    )
    return Status(201, run)


@router.get("/analyses/{run_id}", response=RunOut)
def runs_detail(request: AuthenticatedHttpRequest, run_id: int) -> AnalysisRun:
    run = access.get_analysis_run_for(request.user, run_id)
    run.refresh_from_db()
    return run


@router.post("/analyses/{run_id}/retry", response={201: RunOut})
def runs_retry(request: AuthenticatedHttpRequest, run_id: int) -> Status[AnalysisRun]:
    """Run a failed analysis again with the same settings; poll /analyses/{id}."""
    run = access.get_analysis_run_for(request.user, run_id)
    if not access.can_run_analysis(request.user, run.program):
        raise PermissionDenied("Only analysts, owners, executives and admins run analyses.")
    return Status(201, services.analysis_run_retry(run=run, created_by=request.user))


@router.get(
    "/programs/{program_id}/report.pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The program's leadership report",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_pdf(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """The leadership report as a PDF (the same numbers as the report page)."""
    from sustain.analysis.report import report_for
    from sustain.analysis.views import pdf_response

    program = access.get_program_impact_for(request.user, program_id)
    summary = services.kirkpatrick_request(program=program)
    return pdf_response(program, report_for(viewer=request.user, program=program, summary=summary))


class FadeOut(Schema):
    days: int
    state: str = Field(description="holding | no clear effect | not observed yet")


class SplitOut(Schema):
    label: str
    words: str
    fades: list[FadeOut]
    faded_at_days: float | None


class RoiOut(Schema):
    roi_percent: int
    ci_percent: tuple[int, int]
    benefit: str
    cost: str


class LeadershipGoalOut(Schema):
    kpi: int
    kpi_name: str
    unit: str
    direction: str
    currency: str
    att: float
    value: str
    words: str
    ci: str
    verdict: str
    fades: list[FadeOut]
    faded_at_days: float | None
    splits: list[SplitOut]
    roi: RoiOut | None
    used_trained: int
    used_comparison: int
    left_out: list[str]


class LeadershipOut(Schema):
    program: int
    trained_reps: int
    comparison_reps: int
    goals: list[LeadershipGoalOut]
    withheld: list[str] = Field(description="KPIs whose effect is withheld (too few reps).")
    health_url: str | None
    next_steps: list[str]


@router.get("/programs/{program_id}/leadership", response=LeadershipOut)
def leadership(request: AuthenticatedHttpRequest, program_id: int) -> dict[str, Any]:
    """Did it work? The same answer as the home panel and the report, in the KPI's unit."""
    from sustain.analysis.leadership import leadership_for

    program = access.get_program_impact_for(request.user, program_id)
    lead = leadership_for(viewer=request.user, program=program)
    return {
        "program": program.pk,
        "trained_reps": lead.groups.n_trained,
        "comparison_reps": lead.groups.n_comparison,
        "goals": [
            {
                **vars(g),
                "kpi": g.kpi.pk,
                "kpi_name": g.kpi.name,
                "unit": g.kpi.unit,
                "direction": g.kpi.direction,
                "currency": g.kpi.currency,
                "att": (g.run.result or {})["overall"]["att"],
                "fades": [vars(f) for f in g.fades],
                "splits": [{**vars(s), "fades": [vars(f) for f in s.fades]} for s in g.splits],
            }
            for g in lead.goals
        ],
        "withheld": lead.withheld,
        "health_url": lead.health_url,
        "next_steps": lead.next_steps,
    }
