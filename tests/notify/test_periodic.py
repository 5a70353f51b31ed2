from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sustain.notify.models import OutboxMessage
from sustain.notify.periodic import SWEEP_GUARDS, SWEEPS, enqueue_due_sweeps
from sustain.server.management.commands.sweep import FIGURES
from tests.conftest import Cast


def test_it_enqueues_each_sweep_once_per_interval(db: None) -> None:
    now = timezone.now()
    # Guarded sweeps are enqueued only when they have work (none here).
    names = [name for name, _, _ in SWEEPS if name not in SWEEP_GUARDS]
    assert enqueue_due_sweeps(now=now) == names
    assert enqueue_due_sweeps(now=now + dt.timedelta(seconds=1)) == []
    later = now + max(interval for _, _, interval in SWEEPS) + dt.timedelta(seconds=1)
    assert enqueue_due_sweeps(now=later) == names


def test_the_sweep_command_recounts_the_stored_figures_and_sends_nothing(cast: Cast) -> None:
    out = io.StringIO()
    call_command("sweep", "--figures", stdout=out)
    assert [line.split(":")[0] for line in out.getvalue().splitlines()] == list(FIGURES)
    assert not OutboxMessage.objects.exists()


def test_the_sweep_command_refuses_an_unknown_sweep_and_runs_nothing(cast: Cast) -> None:
    with pytest.raises(CommandError, match="No sweep named nope"):
        call_command("sweep", "plans-daily", "nope")
    with pytest.raises(CommandError, match="Name the sweeps"):
        call_command("sweep")
    out = io.StringIO()
    call_command("sweep", "--list", stdout=out)
    assert [line.split("\t")[0] for line in out.getvalue().splitlines()] == [
        name for name, _, _ in SWEEPS
    ]
