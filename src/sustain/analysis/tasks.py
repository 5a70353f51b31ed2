"""Background analysis runs: load by id, compute."""

from __future__ import annotations

from django.tasks import task

from sustain.analysis import services
from sustain.analysis.models import AnalysisRun
from sustain.lib.jobs import failure_message, job_boundary
from sustain.programs.models import Program


def _failed(run_id: int, *, exc: Exception) -> None:
    services.analysis_run_fail(
        run_id=run_id, message=failure_message(exc, doing="computing the analysis")
    )


@task()
@job_boundary("run_analysis", on_failure=_failed)
def run_analysis(run_id: int) -> None:
    run = AnalysisRun.objects.select_related("program", "kpi").filter(pk=run_id).first()
    if run is not None and not run.finished:
        services.analysis_run_execute(run=run)


@task()
@job_boundary("refresh_kirkpatrick")
def refresh_kirkpatrick(program_id: int) -> None:
    program = Program.objects.filter(pk=program_id).first()
    if program is not None:
        services.kirkpatrick_refresh(program=program)


@task()
def refresh_kirkpatrick_all() -> int:
    return services.kirkpatrick_refresh_all()
