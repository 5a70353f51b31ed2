"""Mail once: the outbox lease runs from each claim, a batch uses one connection to the
mail server, racing workers never deliver a message twice, and a crashed worker's
messages go out within a minute of their lease."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email import message_from_bytes
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.core.mail import EmailMessage
from django.test import override_settings
from django.utils import timezone
from pytest_django import Settings

from sustain.notify.models import OutboxMessage, OutboxStatus
from sustain.notify.periodic import enqueue_due_sweeps
from sustain.notify.services import OutboxDraft, outbox_deliver_due, outbox_enqueue_many
from tests.conftest import Cast
from tests.jobs.deployment import QUEUE_MAIL, SUSTAIN, Deployment, free_port, wait_for


class Inbox:
    """An SMTP server that takes `delay` seconds per message and notes each connection."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.subjects: list[str] = []
        self.peers: set[object] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        await asyncio.sleep(self.delay)
        with self.lock:
            self.subjects.append(str(message_from_bytes(envelope.content)["Subject"]))
            self.peers.add(session.peer)
        return "250 Message accepted"


@contextmanager
def _serve(inbox: Inbox) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with _serve(inbox) as controller:
        mailers = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
            }
        }
        with override_settings(MAILERS=mailers):
            yield inbox, controller.port


def _queue(cast: Cast, n: int) -> None:
    outbox_enqueue_many(
        messages=[
            OutboxDraft.for_person(cast.rep, subject=f"Message {i}", body="b") for i in range(n)
        ]
    )


def test_it_sends_a_batch_over_one_connection(cast: Cast, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    _queue(cast, 20)
    assert outbox_deliver_due() == 20
    assert len(inbox.subjects) == 20
    assert len(inbox.peers) == 1


def test_it_counts_the_lease_from_each_claim_not_from_the_batch(
    cast: Cast, settings: Settings
) -> None:
    settings.OUTBOX_LEASE_SECONDS = 60
    _queue(cast, 3)
    start = timezone.now()
    ticks = iter(start + dt.timedelta(minutes=m) for m in range(100))
    leases = []

    with override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    ):
        from django.core.mail.backends.locmem import EmailBackend

        original = EmailBackend.send_messages

        def watch(self: EmailBackend, messages: Sequence[EmailMessage]) -> int:
            leases.append(OutboxMessage.objects.filter(status="sending").get().claimed_until)
            return original(self, messages)

        with mock.patch.object(EmailBackend, "send_messages", watch):
            outbox_deliver_due(clock=lambda: next(ticks))
    # Claimed at minutes 1, 2 and 3 of the batch: each lease ends 60 s after its claim.
    assert leases == [start + dt.timedelta(minutes=m, seconds=60) for m in (1, 2, 3)]


def test_it_retries_a_crashed_workers_message_within_a_minute_of_its_lease(
    cast: Cast, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    now = timezone.now()
    enqueue_due_sweeps(now=now)  # every sweep has had its first run
    # What a worker killed mid-send leaves: claimed, never marked sent; the lease just ended.
    OutboxMessage.objects.create(
        organization=cast.org,
        recipient=cast.rep,
        to=cast.rep.email,
        subject="Stuck",
        body="b",
        status=OutboxStatus.SENDING,
        attempts=1,
        claimed_until=now - dt.timedelta(seconds=1),
    )
    assert "outbox-retry" in enqueue_due_sweeps(now=now + dt.timedelta(seconds=60))
    # (The first run of the sweeps also queued the week's digests; they go out with it.)
    assert inbox.subjects.count("Stuck") == 1


def test_it_delivers_each_message_once_with_two_workers_racing(deployment: Deployment) -> None:
    """Two processes deliver the same 1,000 messages, the second starting while the first
    is well into its batch, against a mail server slow enough (10 ms a message) that
    each batch outlasts the lease (2 s) several times."""
    inbox = Inbox(delay=0.01)
    with _serve(inbox) as controller:
        n = 1000
        deployment.shell(QUEUE_MAIL.format(n=n))
        mail = {
            "SUSTAIN_EMAIL_HOST": "127.0.0.1",
            "SUSTAIN_EMAIL_PORT": str(controller.port),
            "SUSTAIN_OUTBOX_LEASE_SECONDS": "2",
        }
        deliver = "from sustain.notify.services import outbox_deliver_due as d; d(limit=1000)"

        command = [SUSTAIN, "shell", "-c", deliver]
        first = subprocess.Popen(command, env=deployment.env(**mail))
        wait_for(lambda: len(inbox.subjects) >= 250, timeout=60, what="the first batch")
        second = subprocess.Popen(command, env=deployment.env(**mail))
        assert [first.wait(timeout=180), second.wait(timeout=180)] == [0, 0]

        delivered = Counter(inbox.subjects)
        assert sorted(delivered) == sorted(f"Message {i}" for i in range(n))
        assert max(delivered.values()) == 1, delivered.most_common(3)
        assert deployment.query("SELECT DISTINCT status FROM notify_outboxmessage") == [("sent",)]
        assert len(inbox.peers) <= 2  # one connection per worker's batch
