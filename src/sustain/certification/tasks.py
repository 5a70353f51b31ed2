from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from sustain.certification import services
from sustain.lib.jobs import job_boundary
from sustain.programs.models import Program


@task()
def refresh_certifications() -> int:
    """Consistency changes with time, not only with events: store the past days of the
    cadence it reads (`CadenceDay`), then certify managers whose four components all pass
    now."""
    today = timezone.localdate()
    services.cadence_days_refresh_all(today=today)
    return services.certifications_refresh_all(today=today)


@task()
@job_boundary("store_cadence_day")
def store_cadence_day(program_id: int, day: str) -> int:
    """One day of a program's cadence, stored (asked for by a page that found it missing)."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        return 0
    return services.cadence_day_store(program=program, day=dt.date.fromisoformat(day))
