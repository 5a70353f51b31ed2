"""Queueing and delivering notifications."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from sustain.notify.models import Channel, OutboxMessage, OutboxStatus
from sustain.orgs.models import Person

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class OutboxDraft:
    """One message for `outbox_enqueue_many`. Ids rather than a Person, so a sweep can
    build thousands from a `values_list` without loading people."""

    organization_id: int
    recipient_id: int
    to: str
    subject: str
    body: str
    kind: str = ""
    dedupe_key: str | None = None

    @classmethod
    def for_person(
        cls,
        recipient: Person,
        *,
        subject: str,
        body: str,
        kind: str = "",
        dedupe_key: str | None = None,
    ) -> OutboxDraft:
        assert recipient.organization_id is not None
        return cls(
            organization_id=recipient.organization_id,
            recipient_id=recipient.pk,
            to=recipient.email,
            subject=subject,
            body=body,
            kind=kind,
            dedupe_key=dedupe_key,
        )


def _deliver_after_commit() -> None:
    from sustain.notify.tasks import deliver_outbox

    transaction.on_commit(partial(deliver_outbox.enqueue))


def outbox_enqueue(
    *,
    recipient: Person,
    subject: str,
    body: str,
    kind: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a message to a person. Returns None when `dedupe_key` was already queued."""
    assert recipient.organization_id is not None  # operators (no organization) get no mail
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                organization_id=recipient.organization_id,
                recipient=recipient,
                channel=Channel.EMAIL,
                to=recipient.email,
                subject=subject,
                body=body,
                kind=kind,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    _deliver_after_commit()
    return message


def outbox_enqueue_many(*, messages: Sequence[OutboxDraft]) -> int:
    """Queue many messages with one INSERT, and one delivery task after commit.

    A message whose `dedupe_key` is already queued is skipped, so a sweep that runs twice
    queues nothing new. Returns how many were offered (the skipped ones included: with
    ignore_conflicts the database does not say which rows it kept)."""
    if not messages:
        return 0
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                organization_id=m.organization_id,
                recipient_id=m.recipient_id,
                channel=Channel.EMAIL,
                to=m.to,
                subject=m.subject,
                body=m.body,
                kind=m.kind,
                dedupe_key=m.dedupe_key,
            )
            for m in messages
        ],
        ignore_conflicts=True,
    )
    _deliver_after_commit()
    return len(messages)


def _claimable(now: dt.datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, claimed_until__isnull=True) | Q(
        status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING], claimed_until__lt=now
    )


def _claim(message_id: int, now: dt.datetime) -> dt.datetime | None:
    """Take the lease on one message with a conditional UPDATE: of several workers racing
    for it, exactly one sees a row updated. The lease runs from this claim, `now` being
    the moment of the claim (not of the batch: a batch may outlast a lease). Returns the
    lease's end, or None when another worker holds the message."""
    lease = now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    claimed = OutboxMessage.objects.filter(_claimable(now), pk=message_id).update(
        status=OutboxStatus.SENDING, claimed_until=lease, attempts=F("attempts") + 1
    )
    return lease if claimed == 1 else None


def _email(message: OutboxMessage) -> EmailMessage:
    return EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={"Message-ID": message.message_id},
    )


class _Mailer:
    """One connection to the mail server for a whole batch, opened on the first message
    and opened again after a failure (the server may have dropped it)."""

    def __init__(self) -> None:
        self.connection: Any = None

    def send(self, email: EmailMessage) -> None:
        if self.connection is None:
            connection = mailers.default
            connection.open()
            self.connection = connection
        try:
            self.connection.send_messages([email])
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                logger.warning("Closing the mail connection failed", exc_info=True)
            self.connection = None


def outbox_has_due(*, now: dt.datetime | None = None) -> bool:
    """Whether a delivery would find work: the retry sweep runs only then."""
    return OutboxMessage.objects.filter(_claimable(now or timezone.now())).exists()


def outbox_deliver_due(*, limit: int = 200, clock: Callable[[], dt.datetime] = timezone.now) -> int:
    """Send what is due, over one connection to the mail server. Returns how many
    messages were sent by this call.

    Each message is claimed just before it is sent, with a lease counted from that claim,
    so two live workers never send the same message however long the batch. A message is
    marked sent only after the mail server accepted it: a worker killed mid-send leaves it
    `sending`, and once its lease has run out the retry sweep sends it again."""
    due = list(
        OutboxMessage.objects.filter(_claimable(clock()))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    mailer = _Mailer()
    try:
        for message_id in due:
            lease = _claim(message_id, clock())
            if lease is None:
                continue
            message = OutboxMessage.objects.get(pk=message_id)
            try:
                mailer.send(_email(message))
            except Exception as exc:
                logger.warning("Outbox message %s failed: %s", message_id, exc)
                failed = message.attempts >= MAX_ATTEMPTS
                backoff = clock() + dt.timedelta(minutes=2**message.attempts)
                OutboxMessage.objects.filter(pk=message_id, claimed_until=lease).update(
                    status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
                    claimed_until=None if failed else backoff,
                    last_error=str(exc)[:2000],
                )
                continue
            OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            sent += 1
    finally:
        mailer.close()
    return sent
