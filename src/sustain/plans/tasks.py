from __future__ import annotations

from django.tasks import task

from sustain.lib.jobs import job_boundary
from sustain.plans.services import plans_daily, plans_generate
from sustain.programs.models import Program


@task()
def plans_daily_sweep() -> dict[str, int]:
    return plans_daily()


@task()
@job_boundary("generate_plans")
def generate_plans(program_id: int) -> int:
    """The missing plans of a program, created in bulk; the page shows them as they land."""
    program = Program.objects.filter(pk=program_id).first()
    return plans_generate(program=program) if program is not None else 0
