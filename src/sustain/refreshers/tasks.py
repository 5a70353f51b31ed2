from __future__ import annotations

from django.tasks import task

from sustain.lib.jobs import job_boundary
from sustain.programs.models import Program
from sustain.refreshers.services import (
    refreshers_daily,
    retention_totals_refresh,
    retention_totals_refresh_all,
)


@task()
def refreshers_daily_sweep() -> dict[str, int]:
    return refreshers_daily()


@task()
@job_boundary("refresh_retention_totals")
def refresh_retention_totals(program_id: int) -> int:
    program = Program.objects.filter(pk=program_id).first()
    return retention_totals_refresh(program=program) if program is not None else 0


@task()
def refresh_retention_totals_all() -> int:
    """The complete weeks of every program with answers, stored (the daily sweep)."""
    return retention_totals_refresh_all()
