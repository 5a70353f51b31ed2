"""The outbox: a notification is a row first, sent later by a worker. Writing the row in
the same transaction as the change that caused it means a rolled-back change sends
nothing, and a crashed sender leaves a row to retry."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization, Person


class Channel(models.TextChoices):
    EMAIL = "email", "Email"


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
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    # What produced it ("refresher_digest", "coaching_nudge", ...), for the admin and tests.
    kind = models.CharField(max_length=60, blank=True)
    # Callers that may run twice (daily sweeps) pass a key so a message is queued once.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A claim is a lease: past this moment another worker may take the message over.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "claimed_until"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind or 'message'} to {self.to} ({self.status})"

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
