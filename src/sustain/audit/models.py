"""The audit log: security-relevant changes and refusals, one row each, per organization.

Rows are appended by `services.audit_record` and never changed: no page, endpoint or
admin writes them, and `save()` refuses an update."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization, Person


class AuditKind(models.TextChoices):
    ROLE_CHANGED = "role_changed", "Role changed"
    EMAIL_CHANGED = "email_changed", "Email changed"
    ACTIVATED = "activated", "Reactivated"
    DEACTIVATED = "deactivated", "Deactivated"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    PROGRAM_OWNER_CHANGED = "program_owner_changed", "Program owner changed"
    ACCESS_REFUSED = "access_refused", "Write refused"
    CHANNEL_ADDED = "channel_added", "Notification channel added"
    CHANNEL_REMOVED = "channel_removed", "Notification channel removed"


class AuditEvent(models.Model):
    # Null only for events outside any organization (a platform operator's own token).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, related_name="audit_events"
    )
    kind = models.CharField(max_length=40, choices=AuditKind.choices)
    # Who did it (None: the command line or the system) and whom it concerns. The labels
    # keep the email of the moment, so the record survives a renamed or deleted person.
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    subject = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_label = models.CharField(max_length=254, blank=True)
    summary = models.CharField(max_length=300)
    # Before/after values, the refused method and path...: for the API's readers.
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="audit_org_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)
