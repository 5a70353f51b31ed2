"""The outbox: a notification is a row first, sent later by a worker. Writing the row in
the same transaction as the change that caused it means a rolled-back change sends
nothing, and a crashed sender leaves a row to retry."""

from __future__ import annotations

import functools
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization, Person


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"
    WEBHOOK = "webhook", "Signed webhook"


class AlertsMode(models.TextChoices):
    IMMEDIATE = "immediate", "As they happen"
    DIGEST = "digest", "In the weekly digest only"


def new_secret() -> str:
    return secrets.token_hex(32)


class Channel(models.Model):
    """A delivery target: a Slack or Teams incoming webhook, a signed JSON webhook or an
    extra email address, owned by a person (her own) or by the organization (no owner:
    added by an admin, it gets the organization's weekly summary). Messages to it go
    through the outbox like email (`OutboxMessage.destination`)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="channels"
    )
    owner = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="channels"
    )
    kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    target = models.CharField(max_length=500)
    label = models.CharField(max_length=100, blank=True)
    # Signs webhook bodies (HMAC-SHA256); shown to the channel's owner once, on creation.
    secret = models.CharField(max_length=64, default=new_secret)
    digests = models.BooleanField(default=True)
    alerts = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label or self.target}"


def validate_time_zone(name: str) -> None:
    if name and name not in time_zone_names():
        raise ValidationError(
            f"“{name}” is not a time zone: use an IANA name such as Europe/Berlin or "
            "America/New_York."
        )


@functools.cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class NotificationPreferences(models.Model):
    """A person's choices; a person without a row has the defaults."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    digest_email = models.BooleanField("weekly digest by email", default=True)
    alerts_mode = models.CharField(
        max_length=10, choices=AlertsMode.choices, default=AlertsMode.IMMEDIATE
    )
    # In her time zone (`time_zone`, else the installation's). Messages that fall inside
    # wait until quiet_end. Both or neither; start after end spans midnight.
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # An IANA name ("Europe/Berlin"); empty: the installation's (settings.TIME_ZONE).
    time_zone = models.CharField(
        max_length=64, blank=True, default="", validators=[validate_time_zone]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Notification preferences of {self.person_id}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    def clean(self) -> None:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValidationError({"quiet_end": "Give both the start and the end of quiet hours."})
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise ValidationError(
                {"quiet_end": "Quiet hours end at a different time than they start."}
            )


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    recipient = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    channel = models.CharField(
        max_length=20, choices=ChannelKind.choices, default=ChannelKind.EMAIL
    )
    # A message to a Channel (chat, webhook, extra address) rather than to the person's
    # own address; deleting the channel fails its unsent messages (see services).
    destination = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    to = models.CharField(max_length=500)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    # Extra email headers (List-Unsubscribe) and, for chat, the compact text's link.
    headers = models.JSONField(default=dict, blank=True)
    # What produced it ("refresher_digest", "coaching_nudge", ...), for the admin and tests.
    kind = models.CharField(max_length=60, blank=True)
    # Callers that may run twice (daily sweeps) pass a key so a message is queued once.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A claim is a lease: past this moment another worker may take the message over. A
    # pending message with a future value waits: a retry's back-off, or quiet hours.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "claimed_until"], name="outbox_due"),
            # Who was sent an invitation (the go-live checklist's "never invited").
            models.Index(fields=["kind", "recipient"], name="outbox_invitations"),
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'message'} to {self.to} ({self.status})"

    @property
    def shown_to(self) -> str:
        """The address, or a webhook's host only: its URL is a secret of its owner's."""
        if self.channel == ChannelKind.EMAIL or "://" not in self.to:
            return self.to
        return f"{self.get_channel_display()}: {self.to.split('://', 1)[1].split('/', 1)[0]}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a mail system can recognise a resend."""
        return f"<outbox-{self.pk}@sustain.local>"


class ScheduledSweep(models.Model):
    name = models.CharField(max_length=80, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
