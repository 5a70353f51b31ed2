from __future__ import annotations

from django.tasks import task

from sustain.lib.jobs import job_boundary
from sustain.plans.services import (
    plans_daily,
    plans_generate,
    plans_mandatory_refresh,
    plans_mandatory_refresh_organization,
)
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


@task()
@job_boundary("refresh_mandatory")
def refresh_mandatory(program_id: int) -> int:
    """Why each running plan of the program is mandatory, under its current rules."""
    program = Program.objects.filter(pk=program_id).first()
    return plans_mandatory_refresh(program=program) if program is not None else 0


@task()
@job_boundary("refresh_mandatory_organization")
def refresh_mandatory_organization(organization_id: int) -> int:
    """The same for every program of the organization, after its KPI values changed."""
    return plans_mandatory_refresh_organization(organization_id=organization_id)
