"""Background imports: load the job by id and run it."""

from __future__ import annotations

from django.tasks import task

from sustain.lib.jobs import failure_message, job_boundary
from sustain.metrics import services
from sustain.metrics.models import ImportJob

# Its own queue, ahead of mail: see TASKS in settings.
IMPORT_QUEUE = "imports"
IMPORT_PRIORITY = 50


def _failed(job_id: int, *, exc: Exception) -> None:
    services.import_job_fail(job_id=job_id, message=_message(exc))


def _message(exc: Exception) -> str:
    # pyarrow, pandas and the csv module raise their own types for a file that is not
    # what its name says: that the person can fix, so say so.
    module = type(exc).__module__.split(".")[0]
    if module in ("pyarrow", "pandas", "csv") or isinstance(exc, UnicodeError | ValueError):
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        return (
            f"The file could not be read ({type(exc).__name__}: {detail}). Check that it is "
            "a CSV or Parquet export and upload it again; nothing was imported."
        )
    return failure_message(exc, doing="importing the file")


@task(queue_name=IMPORT_QUEUE, priority=IMPORT_PRIORITY)
@job_boundary("run_import", on_failure=_failed)
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("organization").filter(pk=job_id).first()
    if job is not None and not job.finished:
        services.import_job_run(job=job)
