"""Sustainment health: per-program settings (signal weights and thresholds, alert rules,
the refresher interval cap), daily pre-aggregated health rows, and alerts with the record
of who saw and acted on them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization, Person
from sustain.programs.models import Program


class HealthSettings(models.Model):
    """Overrides of the defaults in `signals.SIGNALS` and `rules.RULES`, per program.
    `signals` maps a signal key to {"weight", "ok", "bad"}; `rules` maps a rule key to
    {"enabled", "threshold", "escalate_after_days"}. Missing keys take the default."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="health_settings"
    )
    signals = models.JSONField(default=dict, blank=True)
    rules = models.JSONField(default=dict, blank=True)
    refresher_max_interval_days = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="No refresher is scheduled further out than this, so every concept "
        "keeps coming back through the fade (days 90-120) and up to day 180.",
    )

    def __str__(self) -> str:
        return f"Health settings of {self.program}"


class Level(models.TextChoices):
    PROGRAM = "program", "Program"
    REGION = "region", "Region"
    TEAM = "team", "Team"
    MANAGER = "manager", "Manager"
    REP = "rep", "Rep"


class HealthDay(models.Model):
    """One subject's health on one day. Rows of a (program, day) are replaced together,
    so re-running a day is idempotent; pages read these instead of the raw signals."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="health_days")
    day = models.DateField()
    level = models.CharField(max_length=10, choices=Level.choices)
    subject_id = models.BigIntegerField()
    name = models.CharField(max_length=200)
    people = models.PositiveIntegerField(default=0)  # reps behind the figure
    score = models.PositiveSmallIntegerField()
    signals = models.JSONField(default=list)

    class Meta:
        ordering = ["program", "day", "level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "day", "level", "subject_id"], name="health_day_unique"
            )
        ]
        indexes = [models.Index(fields=["program", "level", "day"])]

    def __str__(self) -> str:
        return f"{self.level} {self.name} · {self.day}: {self.score}"

    @property
    def explained(self) -> list[dict[str, object]]:
        from sustain.health.signals import render

        return render(self.signals)


class Severity(models.TextChoices):
    WARN = "warn", "Warning"
    BAD = "bad", "Serious"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class Alert(models.Model):
    """A rule that holds for a subject. One unresolved alert per (program, rule, subject):
    a sweep that finds it again only moves `last_seen_on`; it resolves when the rule stops
    holding."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    subject_type = models.CharField(max_length=10, choices=Level.choices)
    subject_id = models.BigIntegerField()
    subject_name = models.CharField(max_length=200)
    detail = models.TextField()
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alerts")
    escalated_to = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalated_alerts"
    )
    status = models.CharField(max_length=15, choices=AlertStatus.choices, default="open")
    opened_at = models.DateTimeField(default=timezone.now)
    opened_on = models.DateField()
    last_seen_on = models.DateField()
    snoozed_until = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Set while unresolved, cleared on resolution: the database refuses a duplicate.
    open_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.rule} · {self.subject_name}"


class AlertAction(models.TextChoices):
    SEEN = "seen", "Seen"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    SNOOZED = "snoozed", "Snoozed"
    ESCALATED = "escalated", "Escalated"
    RESOLVED = "resolved", "Resolved"


class AlertEvent(models.Model):
    """Who saw and who acted, when."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=15, choices=AlertAction.choices)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action}"


def validate_snooze(until: dt.date | None, today: dt.date) -> None:
    if until is None or until <= today:
        raise ValidationError({"until": "Snooze until a day after today."})
