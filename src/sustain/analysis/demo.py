"""A completed analysis of revenue, split by coaching, computed while the demo is built;
universal base period, so that the page shows its sensitivity to pre-trends (HonestDiD)."""

from __future__ import annotations

from sustain.analysis.services import analysis_run_create
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
