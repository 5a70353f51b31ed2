"""Background imports: load the job by id and run it."""

from __future__ import annotations

from django.tasks import task

from sustain.metrics import services
from sustain.metrics.models import ImportJob


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("organization").filter(pk=job_id).first()
    if job is not None and not job.finished:
        services.import_job_run(job=job)
