"""Background analysis runs: load by id, compute."""

from __future__ import annotations

from django.tasks import task

from sustain.analysis import services
from sustain.analysis.models import AnalysisRun


@task()
def run_analysis(run_id: int) -> None:
    run = AnalysisRun.objects.select_related("program", "kpi").filter(pk=run_id).first()
    if run is not None and not run.finished:
        services.analysis_run_execute(run=run)
