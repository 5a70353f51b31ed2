from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sustain.notify.periodic import SWEEP_GUARDS, SWEEPS, enqueue_due_sweeps


def test_it_enqueues_each_sweep_once_per_interval(db: None) -> None:
    now = timezone.now()
    # Guarded sweeps are enqueued only when they have work (none here).
    names = [name for name, _, _ in SWEEPS if name not in SWEEP_GUARDS]
    assert enqueue_due_sweeps(now=now) == names
    assert enqueue_due_sweeps(now=now + dt.timedelta(seconds=1)) == []
    later = now + max(interval for _, _, interval in SWEEPS) + dt.timedelta(seconds=1)
    assert enqueue_due_sweeps(now=later) == names
