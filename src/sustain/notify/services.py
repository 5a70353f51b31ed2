"""Queueing and delivering notifications."""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from sustain.audit.models import AuditKind
from sustain.audit.services import audit_record
from sustain.notify import targets
from sustain.notify.models import (
    AlertsMode,
    Channel,
    ChannelKind,
    NotificationPreferences,
    OutboxMessage,
    OutboxStatus,
)
from sustain.orgs import access
from sustain.orgs.models import Person

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class OutboxDraft:
    """One message for `outbox_enqueue_many`. Ids rather than a Person, so a sweep can
    build thousands from a `values_list` without loading people. A draft with a
    `destination_id` goes to that channel (chat, webhook, extra address) instead of `to`'s
    inbox; `body` is then the compact text."""

    organization_id: int
    recipient_id: int | None
    to: str
    subject: str
    body: str
    kind: str = ""
    dedupe_key: str | None = None
    html_body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    channel: str = ChannelKind.EMAIL
    destination_id: int | None = None

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


def quiet_until(prefs: NotificationPreferences | None, now: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours `now` falls in (aware), or None when it falls outside
    them. Hours are in the person's time zone (else the installation's); a start after the
    end spans midnight."""
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    local = timezone.localtime(now, prefs.zone)
    t, start, end = local.time(), prefs.quiet_start, prefs.quiet_end
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, end), local.tzinfo)


def _chunks(ids: list[Any], size: int = 10_000) -> list[list[Any]]:
    """SQLite takes at most 32,766 parameters in a query: a sweep's recipients may be more."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _is_alert(kind: str) -> bool:
    return kind.startswith("alert")


def _route(messages: Sequence[OutboxDraft], now: dt.datetime) -> list[OutboxMessage]:
    """Apply the recipients' preferences: an alert to someone who takes alerts in her
    digest is dropped (the digest lists her open alerts), an alert also goes to her own
    channels that take alerts, and a message falling in her quiet hours waits until they
    end. Two queries whatever the number of messages."""
    ids = sorted({m.recipient_id for m in messages if m.recipient_id is not None})
    prefs = {
        p.person_id: p
        for chunk in _chunks(ids)
        for p in NotificationPreferences.objects.filter(person_id__in=chunk)
    }
    alert_ids = sorted(
        {m.recipient_id for m in messages if _is_alert(m.kind) and m.recipient_id is not None}
    )
    channels: dict[int, list[Channel]] = {}
    for chunk in _chunks(alert_ids):
        for c in Channel.objects.filter(owner_id__in=chunk, is_active=True, alerts=True):
            channels.setdefault(c.owner_id, []).append(c)  # type: ignore[arg-type]
    rows = []
    for m in messages:
        p = prefs.get(m.recipient_id) if m.recipient_id is not None else None
        copies = [m]
        if _is_alert(m.kind) and m.destination_id is None and m.recipient_id is not None:
            if p is not None and p.alerts_mode == AlertsMode.DIGEST:
                continue
            copies += [
                replace(
                    m,
                    channel=c.kind,
                    destination_id=c.pk,
                    to=c.target,
                    dedupe_key=f"{m.dedupe_key}:c{c.pk}" if m.dedupe_key else None,
                )
                for c in channels.get(m.recipient_id, [])
            ]
        wait = quiet_until(p, now)
        rows += [
            OutboxMessage(
                organization_id=c.organization_id,
                recipient_id=c.recipient_id,
                channel=c.channel,
                destination_id=c.destination_id,
                to=c.to,
                subject=c.subject,
                body=c.body,
                html_body=c.html_body,
                headers=c.headers,
                kind=c.kind,
                dedupe_key=c.dedupe_key,
                claimed_until=wait,
            )
            for c in copies
        ]
    return rows


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
    """Queue a message to a person (after her preferences: see `_route`). Returns None
    when `dedupe_key` was already queued, or when her preferences drop it."""
    assert recipient.organization_id is not None  # operators (no organization) get no mail
    draft = OutboxDraft.for_person(
        recipient, subject=subject, body=body, kind=kind, dedupe_key=dedupe_key
    )
    rows = _route([draft], timezone.now())
    if not rows:
        return None
    message = rows[0]
    try:
        with transaction.atomic():
            message.save()
            if len(rows) > 1:
                OutboxMessage.objects.bulk_create(rows[1:], ignore_conflicts=True)
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    message.recipient = recipient
    _deliver_after_commit()
    return message


def outbox_enqueue_many(*, messages: Sequence[OutboxDraft]) -> int:
    """Queue many messages with one INSERT, and one delivery task after commit.

    A message whose `dedupe_key` is already queued is skipped, so a sweep that runs twice
    queues nothing new. Returns how many were offered (the skipped ones included: with
    ignore_conflicts the database does not say which rows it kept)."""
    if not messages:
        return 0
    OutboxMessage.objects.bulk_create(_route(messages, timezone.now()), ignore_conflicts=True)
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


class _OutboxEmail(EmailMultiAlternatives):
    """Headers folded at RFC 5322's 998 characters rather than 78: Python encodes a longer
    unbreakable header (the List-Unsubscribe URL) as RFC 2047 words, which mail clients do
    not read as a URL."""

    def message(self, *, policy: Any = email.policy.default) -> Any:
        return super().message(policy=policy.clone(max_line_length=998))


def _email(message: OutboxMessage) -> EmailMessage:
    # "link" is the chat message's button, not an email header.
    headers = {k: v for k, v in message.headers.items() if k != "link"}
    mail = _OutboxEmail(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={**headers, "Message-ID": message.message_id},
    )
    if message.html_body:
        mail.attach_alternative(message.html_body, "text/html")
    return mail


class ChannelGone(Exception):
    """The message's channel was deleted or switched off: retrying cannot help."""


def _post(message: OutboxMessage) -> None:
    channel = message.destination
    if channel is None or not channel.is_active:
        raise ChannelGone("The channel was deleted or switched off.")
    targets.post(
        channel.target,
        targets.payload(
            channel.kind,
            target=channel.target,
            subject=message.subject,
            text=message.body,
            link=message.headers.get("link", ""),
            event=message.kind,
            message_id=message.pk,
        ),
        secret=channel.secret,
        message_id=message.pk,
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
            message = OutboxMessage.objects.select_related("destination").get(pk=message_id)
            try:
                if message.channel == ChannelKind.EMAIL:
                    mailer.send(_email(message))
                else:
                    _post(message)
            except Exception as exc:
                logger.warning("Outbox message %s failed: %s", message_id, exc)
                failed = message.attempts >= MAX_ATTEMPTS or isinstance(exc, ChannelGone)
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


# Channels ---------------------------------------------------------------------------


@transaction.atomic
def channel_create(
    *,
    by: Person,
    kind: str,
    target: str,
    label: str = "",
    organization_wide: bool = False,
    digests: bool = True,
    alerts: bool = True,
) -> Channel:
    """A channel of `by`'s own, or (admins, `organization_wide`) the organization's.
    The target is checked first (https, the chat service's host, no private address in
    production); nothing is written when it is refused."""
    if organization_wide and not access.can_add_org_channel(by):
        raise PermissionDenied("The organization's channels are added by its admins.")
    if by.organization_id is None:
        raise PermissionDenied("Channels belong to an organization.")
    channel = Channel(
        organization_id=by.organization_id,
        owner=None if organization_wide else by,
        kind=kind,
        target=targets.validate_target(kind, target),
        label=label.strip(),
        digests=digests,
        alerts=alerts and not organization_wide,
        created_by=by,
    )
    channel.full_clean()
    channel.save()
    audit_record(
        kind=AuditKind.CHANNEL_ADDED,
        organization=by.organization,
        actor=by,
        subject=channel.owner,
        summary=f"{channel.get_kind_display()} channel added: {_redacted(channel.target)}",
        detail={"channel": channel.pk, "kind": kind, "organization_wide": organization_wide},
    )
    return channel


def _redacted(target: str) -> str:
    """A webhook URL's path is its password: the audit log keeps the host only."""
    if "://" not in target:
        return target
    return target.split("://", 1)[1].split("/", 1)[0]


@transaction.atomic
def channel_delete(*, channel: Channel, by: Person) -> None:
    audit_record(
        kind=AuditKind.CHANNEL_REMOVED,
        organization=by.organization,
        actor=by,
        subject=channel.owner,
        summary=f"{channel.get_kind_display()} channel removed: {_redacted(channel.target)}",
        detail={"channel": channel.pk, "kind": channel.kind},
    )
    channel.delete()


def channel_test(*, channel: Channel, by: Person) -> OutboxMessage:
    """Queue a test message to the channel; the worker sends it within seconds. Not held
    by quiet hours: the person asked for it now."""
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            organization_id=channel.organization_id,
            recipient=by,
            channel=channel.kind,
            destination=channel,
            to=channel.target,
            subject="Sustain: test message",
            body=f"This channel is set up: {by.name} sent this test from Sustain.",
            headers={"link": absolute_url(reverse("notify:settings"))},
            kind="channel_test",
        )
    _deliver_after_commit()
    return message


def absolute_url(path: str) -> str:
    """Links in messages are absolute, on the address people open (SUSTAIN_BASE_URL)."""
    return settings.SUSTAIN_BASE_URL + path


# Preferences ------------------------------------------------------------------------


def preferences_of(person: Person) -> NotificationPreferences:
    """Her preferences, or the defaults (unsaved) when she never changed them."""
    try:
        return NotificationPreferences.objects.get(person=person)
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(person=person)


PREFERENCE_FIELDS = ("digest_email", "alerts_mode", "quiet_start", "quiet_end", "time_zone")


@transaction.atomic
def preferences_update(*, person: Person, **changes: Any) -> NotificationPreferences:
    """Change the given fields only; full_clean first, nothing saved when refused."""
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown preference: {', '.join(sorted(unknown))}")
    prefs = preferences_of(person)
    for name, value in changes.items():
        setattr(prefs, name, value)
    prefs.updated_at = timezone.now()
    prefs.full_clean()
    prefs.save()
    return prefs


UNSUBSCRIBE_SALT = "sustain.notify.unsubscribe"


def unsubscribe_token(person: Person, *, channel: Channel | None = None) -> str:
    """Signed, without expiry: it turns off that person's digest by email (or by that
    email channel of hers), nothing else."""
    what = f"c{channel.pk}" if channel is not None else "digest_email"
    return signing.dumps({"p": person.pk, "w": what}, salt=UNSUBSCRIBE_SALT)


@transaction.atomic
def unsubscribe(token: str) -> Person | None:
    """Apply a one-click unsubscribe link; returns whose it was, or None for a forged or
    damaged link (nothing changes). Applying it twice changes nothing more."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    pk = data.get("p")
    if not isinstance(pk, int):
        return None
    person = Person.objects.filter(pk=pk, is_active=True).first()
    what = str(data.get("w", ""))
    if person is None:
        return None
    if what == "digest_email":
        preferences_update(person=person, digest_email=False)
    elif what.startswith("c") and what[1:].isdigit():
        Channel.objects.filter(pk=int(what[1:]), owner=person).update(digests=False)
    else:
        return None
    return person


def unsubscribe_headers(token: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to
    the URL, no login needed."""
    url = absolute_url(reverse("notify:unsubscribe", args=[token]))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
