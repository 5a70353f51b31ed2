"""A completed analysis of revenue, split by coaching, computed while the demo is built;
universal base period, so that the page shows its sensitivity to pre-trends (HonestDiD);
and the Kirkpatrick summary, so that the pages show it from the start."""

from __future__ import annotations

from sustain.analysis.services import analysis_run_create, kirkpatrick_refresh
from sustain.demo.context import DemoContext
from sustain.metrics.models import KpiDefinition


def build(ctx: DemoContext) -> None:
    revenue = KpiDefinition.objects.get(organization=ctx.org, key="revenue")
    analysis_run_create(
        program=ctx.program,
        kpi=revenue,
        by="coached",
        base_period="universal",
        created_by=ctx.logins["analyst"],
        run_now=True,
    )
    kirkpatrick_refresh(program=ctx.program)
