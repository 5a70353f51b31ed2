"""Calls of a rep with buyers, their transcripts (deleted after the organization's
retention period), the techniques detected in them and managers' labels."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization, Person
from sustain.programs.models import Concept, Program


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AdoptionPolicy(models.Model):
    """Per organization: how long transcripts are kept. Detections stay."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="adoption_policy"
    )
    retention_days = models.PositiveIntegerField(
        default=180, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.retention_days} days"


class Call(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="calls")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="calls")
    rep = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calls")
    date = models.DateField()
    filename = models.CharField(max_length=255)
    # The speaker name in the file that is the rep.
    rep_speaker = models.CharField(max_length=200)
    # [[start, speaker, text, is_rep], ...]; null once deleted under the retention policy.
    transcript = models.JSONField(null=True, blank=True)
    transcript_deleted_at = models.DateTimeField(null=True, blank=True)
    rep_turns = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=CallStatus.choices, default=CallStatus.QUEUED)
    error = models.TextField(blank=True)
    # Set when a worker starts scoring; the reaper (notify.reaper) fails a call left
    # running past the job lease by a worker that died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["program", "rep", "date"])]

    def __str__(self) -> str:
        return f"{self.rep} on {self.date}"

    def clean(self) -> None:
        if self.rep.organization_id != self.organization_id:
            raise ValidationError({"rep": "The rep belongs to another organization."})
        if self.program.organization_id != self.organization_id:
            raise ValidationError({"program": "The program belongs to another organization."})


class Detection(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="detections")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="detections")
    used = models.BooleanField()
    score = models.FloatField()
    # [{"start": "00:01:02", "text": "..."}]: kept after the transcript is deleted.
    evidence = models.JSONField(default=list)
    # The best-scoring rep turn even below the threshold: what a manager confirms as a use
    # the detector missed, so it can learn from it.
    best_turn = models.TextField(blank=True)
    # Which detector scored it: "semantic" (the embedding model) or "lexical" (its fallback).
    detector = models.CharField(max_length=10, default="lexical")

    class Meta:
        ordering = ["concept__position", "concept_id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "concept"], name="detection_unique_concept")
        ]

    def __str__(self) -> str:
        return f"{self.concept_id} in call {self.call_id}: {self.used}"


class Label(models.Model):
    """A manager's word on whether the rep used the concept in the call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="labels")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="call_labels")
    used = models.BooleanField()
    labeled_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    labeled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "concept"], name="label_unique_concept")
        ]

    def __str__(self) -> str:
        return f"{self.concept_id} in call {self.call_id}: {self.used}"
