from __future__ import annotations

from django.tasks import task

from sustain.notify.services import outbox_deliver_due


@task()
def deliver_outbox() -> int:
    return outbox_deliver_due()


@task()
def reap_stuck_work() -> dict[str, int]:
    from sustain.notify.reaper import reap_stuck_work as reap

    return reap()
