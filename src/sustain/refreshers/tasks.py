from __future__ import annotations

from django.tasks import task

from sustain.refreshers.services import refreshers_daily


@task()
def refreshers_daily_sweep() -> dict[str, int]:
    return refreshers_daily()
