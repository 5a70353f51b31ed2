"""Background imports: load the job by id and run it."""

from __future__ import annotations

from django.tasks import task

from sustain.metrics import services
from sustain.metrics.models import ImportJob

# Its own queue, ahead of mail: see TASKS in settings.
IMPORT_QUEUE = "imports"
IMPORT_PRIORITY = 50


@task(queue_name=IMPORT_QUEUE, priority=IMPORT_PRIORITY)
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("organization").filter(pk=job_id).first()
    if job is not None and not job.finished:
        services.import_job_run(job=job)
