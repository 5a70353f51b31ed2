"""The analysis page per program and goal (a KPI): run it, watch it, read it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sustain.analysis import charts, selectors, services
from sustain.analysis.attributes import available_attributes
from sustain.analysis.forms import RunForm
from sustain.analysis.leadership import goal_for
from sustain.analysis.models import (
    AnalysisRun,
    BasePeriod,
    Cluster,
    RunStatus,
    Sensitivity,
)
from sustain.analysis.pdf import report_pdf as report_pdf_bytes
from sustain.analysis.report import Report, report_for
from sustain.metrics.models import KpiDefinition
from sustain.orgs import access, privacy
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.programs.models import Program
from sustain.programs.selectors import measurement_group_sizes
from sustain.web.forms import call_service


def _kpis(program_org_id: int) -> QuerySet[KpiDefinition]:
    return KpiDefinition.objects.filter(organization_id=program_org_id)


@login_required
def program_analysis(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_impact_for(request.user, program_id)
    kpis = list(_kpis(program.organization_id))
    first = next((k for k in kpis if k.monetary), kpis[0] if kpis else None)
    if first is None:
        return render(request, "analysis/analysis.html", {"program": program, "kpis": []})
    return redirect("analysis:goal", program.pk, first.pk)


@login_required
def goal_analysis(request: AuthenticatedHttpRequest, program_id: int, kpi_id: int) -> HttpResponse:
    program = access.get_program_impact_for(request.user, program_id)
    kpi = access.get_kpi_for(request.user, kpi_id)
    runs = selectors.runs_for(program=program, kpi=kpi)
    summary = services.kirkpatrick_request(program=program)
    run = (
        runs.filter(pk=request.GET["run"]).first()
        if request.GET.get("run", "").isdigit()
        else runs.first()
    )
    context = {
        "program": program,
        "kpi": kpi,
        "kpis": _kpis(program.organization_id),
        "run": run,
        "can_run": access.can_run_analysis(request.user, program),
        "sees_costs": access.sees_impact_costs(request.user, program),
        "form": RunForm(
            attributes=available_attributes(program.organization),
            initial={"by": run.by if run else ""},
        ),
        "estimated": selectors.estimated(run),
        "history": selectors.run_history(program=program, kpi=kpi),
        "levels": selectors.kirkpatrick(
            program=program, run=run, summary=summary, viewer=request.user
        ),
        "kirkpatrick_as_of": summary.computed_at,
        "withheld": None
        if run is None or selectors.run_shown(request.user, run)
        else privacy.withheld(request.user),
        "needs": selectors.needs_context(program=program),
        "groups": measurement_group_sizes(program=program),
        "goal": goal_for(run, sees_costs=access.sees_impact_costs(request.user, program))
        if run
        and run.status == "done"
        and selectors.estimated(run)
        and selectors.run_shown(request.user, run)
        else None,
        "sensitivity": selectors.sensitivity_summary(
            result=run.result,
            period_days=(run.result or {}).get("meta", {}).get("period_days"),
            kpi=kpi,
        )
        if run and run.result and selectors.run_shown(request.user, run)
        else None,
        "spec": charts.event_study_spec(result=run.result, kpi_name=kpi.name)
        if run
        and run.result
        and run.result.get("event_study")
        and selectors.run_shown(request.user, run)
        else None,
    }
    # The run's progress polls for its own part; the Kirkpatrick card being computed polls
    # for the whole page and keeps only itself (`?part=kirkpatrick`).
    if request.htmx and request.GET.get("part") != "kirkpatrick":
        return render(request, "analysis/analysis.html#run", context)
    return render(request, "analysis/analysis.html", context)


@login_required
@require_POST
def run_create(request: AuthenticatedHttpRequest, program_id: int, kpi_id: int) -> HttpResponse:
    program = access.get_program_impact_for(request.user, program_id)
    kpi = access.get_kpi_for(request.user, kpi_id)
    if not access.can_run_analysis(request.user, program):
        raise PermissionDenied
    form = RunForm(request.POST, attributes=available_attributes(program.organization))
    run: AnalysisRun | None = None
    if form.is_valid():
        data = form.cleaned_data
        run = call_service(
            form,
            lambda: services.analysis_run_create(
                program=program,
                kpi=kpi,
                by=data["by"],
                control=data["control"],
                created_by=request.user,
                covariates=data["covariates"],
                cluster=data["cluster"] or Cluster.TEAM,
                anticipation=data["anticipation"] or 0,
                base_period=data["base_period"] or BasePeriod.VARYING,
                sensitivity=data["sensitivity"] or Sensitivity.RM,
            ),
        )
    if run is None:
        return render(
            request, "web/form.html", {"form": form, "title": "Run the analysis"}, status=400
        )
    return redirect(_run_url(run))


@login_required
def run_progress(
    request: AuthenticatedHttpRequest, program_id: int, kpi_id: int, run_id: int
) -> HttpResponse:
    """What the page polls while a run computes: one row read, nothing else rebuilt. When
    the run has finished, htmx is sent to the page showing it."""
    run = access.get_analysis_run_for(request.user, run_id)
    if (run.program_id, run.kpi_id) != (program_id, kpi_id):
        raise Http404
    response = render(request, "analysis/analysis.html#progress", {"run": run})
    if run.finished:
        response["HX-Redirect"] = _run_url(run)
    return response


@login_required
@require_POST
def run_retry(
    request: AuthenticatedHttpRequest, program_id: int, kpi_id: int, run_id: int
) -> HttpResponse:
    run = access.get_analysis_run_for(request.user, run_id)
    if (run.program_id, run.kpi_id) != (program_id, kpi_id):
        raise Http404
    if not access.can_run_analysis(request.user, run.program):
        raise PermissionDenied
    if run.status != RunStatus.FAILED:  # a second click: show the run as it is
        return redirect(_run_url(run))
    return redirect(_run_url(services.analysis_run_retry(run=run, created_by=request.user)))


def _run_url(run: AnalysisRun) -> str:
    return f"{reverse('analysis:goal', args=[run.program_id, run.kpi_id])}?run={run.pk}"


@login_required
def report(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_impact_for(request.user, program_id)
    summary = services.kirkpatrick_request(program=program)
    return render(
        request,
        "analysis/report.html",
        {
            "program": program,
            "report": report_for(viewer=request.user, program=program, summary=summary),
        },
    )


@login_required
def report_pdf(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_impact_for(request.user, program_id)
    summary = services.kirkpatrick_request(program=program)
    return pdf_response(program, report_for(viewer=request.user, program=program, summary=summary))


def pdf_response(program: Program, report: Report) -> HttpResponse:
    response = HttpResponse(report_pdf_bytes(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="leadership-report-{program.pk}.pdf"'
    return response
