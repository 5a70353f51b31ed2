from __future__ import annotations

from django.tasks import task

from sustain.plans.services import plans_daily


@task()
def plans_daily_sweep() -> dict[str, int]:
    return plans_daily()
