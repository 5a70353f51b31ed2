from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from sustain.certification import services


@task()
def refresh_certifications() -> int:
    """Consistency changes with time, not only with events: store the past days of the
    cadence it reads (`CadenceDay`), then certify managers whose four components all pass
    now."""
    today = timezone.localdate()
    services.cadence_days_refresh_all(today=today)
    return services.certifications_refresh_all(today=today)
