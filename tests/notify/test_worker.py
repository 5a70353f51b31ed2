"""The real queue: tasks go through django-tasks-db's table and `sustain worker` runs them."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from sustain.notify.models import OutboxMessage, OutboxStatus
from sustain.notify.services import outbox_enqueue
from tests.conftest import Cast

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_it_delivers_queued_mail_when_the_worker_runs(
    cast: Cast, mailoutbox: list[EmailMessage]
) -> None:
    with override_settings(TASKS=DB_TASKS):
        outbox_enqueue(recipient=cast.rep, subject="Refreshers due", body="2 questions")
        assert DBTaskResult.objects.count() == 1
        assert OutboxMessage.objects.get().status == OutboxStatus.PENDING

        call_command("worker", "--batch")

    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [m.to for m in mailoutbox] == [[cast.rep.email]]
