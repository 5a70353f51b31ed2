from __future__ import annotations

from django.tasks import task

from sustain.health.services import health_sweep


@task()
def health_daily_sweep() -> dict[str, int]:
    return health_sweep()


@task()
def weekly_digests() -> int:
    from sustain.health.digest import digests_sweep

    return digests_sweep()
