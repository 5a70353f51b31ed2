"""The outbox against a real SMTP server (aiosmtpd on a local port)."""

from __future__ import annotations

import datetime as dt
import email
import socket
import threading
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.notify.models import OutboxMessage, OutboxStatus
from sustain.notify.services import outbox_deliver_due, outbox_enqueue
from tests.conftest import Cast


@pytest.fixture
def on_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> DjangoCaptureOnCommitCallbacks:
    return django_capture_on_commit_callbacks


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        with self.lock:
            self.messages.append((envelope.rcpt_tos[0], envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    with override_settings(MAILERS=mailers):
        yield inbox
    controller.stop()


def test_it_delivers_a_queued_message_over_smtp(
    cast: Cast, smtp: Inbox, on_commit: DjangoCaptureOnCommitCallbacks
) -> None:
    with on_commit(execute=True):
        message = outbox_enqueue(recipient=cast.rep, subject="Your refreshers", body="3 due")
    assert message is not None
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [to for to, _ in smtp.messages] == [cast.rep.email]
    assert f"Message-ID: {message.message_id}".encode() in smtp.messages[0][1]


def test_it_never_sends_a_message_twice(
    cast: Cast, smtp: Inbox, on_commit: DjangoCaptureOnCommitCallbacks
) -> None:
    with on_commit(execute=True):
        outbox_enqueue(recipient=cast.rep, subject="Once", body="only once")
    assert outbox_deliver_due() == 0
    assert outbox_deliver_due() == 0
    assert len(smtp.messages) == 1


def test_it_queues_a_deduplicated_message_once(
    cast: Cast, smtp: Inbox, on_commit: DjangoCaptureOnCommitCallbacks
) -> None:
    with on_commit(execute=True):
        first = outbox_enqueue(recipient=cast.rep, subject="Digest", body="x", dedupe_key="d-1")
        second = outbox_enqueue(recipient=cast.rep, subject="Digest", body="x", dedupe_key="d-1")
    assert first is not None and second is None
    assert OutboxMessage.objects.filter(dedupe_key="d-1").count() == 1
    assert len(smtp.messages) == 1


def test_it_resends_a_message_whose_worker_died_mid_send(cast: Cast, smtp: Inbox) -> None:
    now = timezone.now()
    # What a killed worker leaves behind: claimed, never marked sent.
    stuck = OutboxMessage.objects.create(
        organization=cast.org,
        recipient=cast.rep,
        to=cast.rep.email,
        subject="Stuck",
        body="b",
        status=OutboxStatus.SENDING,
        attempts=1,
        claimed_until=now + dt.timedelta(minutes=5),
    )
    assert outbox_deliver_due(clock=lambda: now) == 0  # its lease still holds
    assert outbox_deliver_due(clock=lambda: now + dt.timedelta(minutes=6)) == 1
    stuck.refresh_from_db()
    assert stuck.status == OutboxStatus.SENT
    assert stuck.attempts == 2
    assert len(smtp.messages) == 1


def test_it_gives_exactly_one_of_two_racing_workers_the_message(cast: Cast, smtp: Inbox) -> None:
    from sustain.notify.services import _claim

    message = OutboxMessage.objects.create(
        organization=cast.org, recipient=cast.rep, to=cast.rep.email, subject="s", body="b"
    )
    now = timezone.now()
    assert [bool(_claim(message.pk, now)), bool(_claim(message.pk, now))] == [True, False]


def test_it_retries_later_when_the_server_is_down(
    cast: Cast, on_commit: DjangoCaptureOnCommitCallbacks
) -> None:
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with override_settings(MAILERS=mailers), on_commit(execute=True):
        message = outbox_enqueue(recipient=cast.rep, subject="s", body="b")
    assert message is not None
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.last_error
    assert message.claimed_until is not None and message.claimed_until > timezone.now()


def test_it_sends_nothing_when_the_change_rolls_back(cast: Cast, smtp: Inbox) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(recipient=cast.rep, subject="s", body="b")
        raise RuntimeError("the change failed")
    assert OutboxMessage.objects.count() == 0
    assert smtp.messages == []


def test_it_sends_the_digest_with_html_and_one_click_unsubscribe(
    cast: Cast, smtp: Inbox, client: Client
) -> None:
    from sustain.health.digest import Digest, Line, Section, digest_drafts
    from sustain.notify.models import NotificationPreferences
    from sustain.notify.services import outbox_enqueue_many

    digest = Digest(
        name=cast.rep.name,
        role="Sales rep",
        week="2026-W48",
        sections=[Section("Your next steps", [Line("2 refreshers due.")])],
        settings_link="http://127.0.0.1:8000/settings/notifications/",
    )
    outbox_enqueue_many(messages=digest_drafts(cast.rep, digest, email=True, channels=[]))
    outbox_deliver_due()
    [(to, raw)] = smtp.messages
    assert to == cast.rep.email and b"text/html" in raw
    headers = email.message_from_bytes(raw)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = "".join(headers["List-Unsubscribe"].split()).strip("<>")
    assert client.post(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert NotificationPreferences.objects.get(person=cast.rep).digest_email is False
