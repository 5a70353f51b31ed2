from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from sustain.certification import services


@task()
def refresh_certifications() -> int:
    """Consistency changes with time, not only with events: certify managers whose four
    components all pass now."""
    return services.certifications_refresh_all(today=timezone.localdate())
