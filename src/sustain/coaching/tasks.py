from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from sustain.coaching import services


@task()
def nudge_managers() -> int:
    """Weekly: remind managers who are behind on their coaching cadence."""
    return services.managers_nudge(today=timezone.localdate())
