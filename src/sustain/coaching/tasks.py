from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from sustain.coaching import services
from sustain.lib.jobs import job_boundary
from sustain.programs.models import Program


@task()
def nudge_managers() -> int:
    """Weekly: remind managers who are behind on their coaching cadence."""
    return services.managers_nudge(today=timezone.localdate())


@task()
@job_boundary("refresh_coaching_summary")
def refresh_coaching_summary(program_id: int) -> None:
    program = Program.objects.filter(pk=program_id).first()
    if program is not None:
        services.coaching_summary_refresh(program=program)


@task()
def refresh_coaching_summaries() -> int:
    """Daily: every program's stored coaching summary (`models.CoachingSummary`)."""
    return services.coaching_summary_refresh_all()
