"""Manager certification: four components, each with its evidence and pass mark.

- terminology: an auto-graded quiz built from the program's glossary;
- role-modelling: an assessor scores the manager's own role-play on the rubric;
- diagnosis: written cases with a known root cause, her answers graded against them;
- coaching consistency: computed from her observations (cadence met N of the last M weeks).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sustain.coaching.models import Diagnosis, Score
from sustain.lib.validation import DayField, LongTextField
from sustain.orgs.models import Person
from sustain.programs.models import Concept, Program


class CertificationPolicy(models.Model):
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="certification_policy"
    )
    terminology_pass_pct = models.PositiveIntegerField(
        default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    role_model_pass = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Average rubric score the manager's own role-play must reach.",
    )
    diagnosis_pass_pct = models.PositiveIntegerField(
        default=75, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    consistency_weeks = models.PositiveIntegerField(
        default=6, help_text="N: weeks the cadence must be met ..."
    )
    consistency_window = models.PositiveIntegerField(
        default=8, help_text="... out of the last M weeks."
    )
    consistency_min_coverage = models.PositiveIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A week counts as met when this share of her due reps were on time (%).",
    )

    def __str__(self) -> str:
        return f"Certification policy of {self.program}"

    def clean(self) -> None:
        if self.consistency_weeks > self.consistency_window:
            raise ValidationError({"consistency_weeks": "N cannot exceed M."})


class TerminologyAttempt(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="terminology_attempts"
    )
    manager = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="terminology_attempts"
    )
    answers = models.JSONField(default=dict, blank=True)  # {term id: chosen term id}
    correct = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.manager} · glossary quiz {self.correct}/{self.total}"

    @property
    def pct(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


class RoleModelAssessment(models.Model):
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="role_model_assessments"
    )
    manager = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="role_model_assessments"
    )
    assessor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="role_model_assessments_made"
    )
    date = DayField()
    notes = LongTextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.manager} · role-play {self.date}"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "An assessment cannot be dated in the future."})
        if self.manager_id and self.manager_id == self.assessor_id:
            raise ValidationError({"assessor": "Nobody assesses herself."})


class RoleModelScore(models.Model):
    assessment = models.ForeignKey(
        RoleModelAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="+")
    # Null: the role-play did not show this concept. Not a score, left out of the average.
    score = models.PositiveSmallIntegerField(choices=Score.choices, null=True, blank=True)

    class Meta:
        ordering = ["concept__position"]

    def __str__(self) -> str:
        return f"{self.concept} · {self.score}"


class DiagnosisCase(models.Model):
    """A written rep situation with its known root cause and prescription."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="diagnosis_cases")
    title = models.CharField(max_length=200)
    situation = LongTextField()
    root_cause = models.CharField(max_length=40, choices=Diagnosis.choices)
    prescription = LongTextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class DiagnosisAttempt(models.Model):
    """One sitting of a program's diagnosis cases. Each case is answered once in it; the
    results and the model answers appear when every case is answered (`completed_at`).
    A retake is a new attempt, so every attempt keeps its own history."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="diagnosis_attempts"
    )
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="diagnosis_attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "manager", "number"], name="diagnosis_attempt_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manager} · diagnosis attempt {self.number}"

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


class DiagnosisAnswer(models.Model):
    attempt = models.ForeignKey(
        DiagnosisAttempt, on_delete=models.CASCADE, related_name="answers", null=True
    )
    case = models.ForeignKey(DiagnosisCase, on_delete=models.CASCADE, related_name="answers")
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="diagnosis_answers")
    root_cause = models.CharField(max_length=40, choices=Diagnosis.choices)
    prescription = LongTextField()
    correct = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "case"], name="diagnosis_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.manager} · {self.case}"


class Certification(models.Model):
    """Set when all four components first pass; the status is computed from it and her
    current consistency (certified, or lapsed when consistency dropped since)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="certifications")
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certifications")
    certified_on = DayField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "manager"], name="certification_unique_manager"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manager} certified {self.certified_on}"


class CadenceDay(models.Model):
    """A day of a program whose coaching cadence was stored per manager (the rows of
    `ManagerCadence`): consistency looks back over eight weeks of days, too much to count
    live over every enrollment on each page view. Written by the daily sweep for the
    window's days up to the day it runs (`services.cadence_days_refresh_all`); an
    observation recounts the stored days it changes for the rep's manager
    (`services.cadence_observed`). A day not stored is counted live."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cadence_days")
    day = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "day"], name="cadence_day_once"),
        ]

    def __str__(self) -> str:
        return f"Cadence of {self.program_id} on {self.day}"


class ManagerCadence(models.Model):
    """On a `CadenceDay`, a manager's reps due in the program and how many were on time
    (`coaching.cadence.on_time`). Only managers with reps due have a row."""

    cadence_day = models.ForeignKey(CadenceDay, on_delete=models.CASCADE, related_name="managers")
    # Not indexed on its own: the reads go by day (the unique index below), and with an
    # index on the manager SQLite walks every manager's days instead of the 7 days' rows.
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    due = models.PositiveIntegerField()
    on_time = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cadence_day", "manager"], name="manager_cadence_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager_id}: {self.on_time}/{self.due} on {self.cadence_day_id}"
