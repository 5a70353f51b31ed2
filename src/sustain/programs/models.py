"""A training program: its owner, budget, concepts and glossary, workshop sessions and
who takes part (the enrollment, whose training date defines the cohort)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from sustain.lib.validation import DayField, LongTextField
from sustain.orgs.models import Organization, Person, Role


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PREPARING = "preparing", "Preparing"
    IN_WORKSHOP = "in_workshop", "In workshop"
    SUSTAINING = "sustaining", "Sustaining"
    CLOSED = "closed", "Closed"


class Program(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(max_length=200)
    vendor = models.CharField(max_length=200, blank=True)
    description = LongTextField(blank=True)
    # The one accountable owner; empty only while the program is being drafted.
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_programs"
    )
    status = models.CharField(
        max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    budget_workshop = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    budget_reinforcement = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text="Spent after the workshop: coaching, refreshers, plans, certification.",
    )
    closed_on = DayField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.owner is not None and self.owner.organization_id != self.organization_id:
            raise ValidationError({"owner": "The owner must belong to the same organization."})

    @property
    def budget_total(self) -> Decimal:
        return self.budget_workshop + self.budget_reinforcement

    @property
    def reinforcement_share(self) -> float:
        total = self.budget_total
        return float(self.budget_reinforcement / total) if total else 0.0


class Concept(models.Model):
    """A major concept or competency of the program, taught and reinforced in order."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="concepts")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = LongTextField(blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class GlossaryTerm(models.Model):
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=120)
    definition = LongTextField()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["concept", "term"], name="glossary_unique_term")
        ]

    def __str__(self) -> str:
        return self.term


class WorkshopSession(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    starts_on = DayField()
    ends_on = DayField()
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d %b %Y})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "A session cannot end before it starts."})


class Enrollment(models.Model):
    """A person taking part in a program. `trained_on` is the cohort: the date she
    completed the workshop; empty means not trained yet (a comparison-group member)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REP)
    session = models.ForeignKey(
        WorkshopSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
    )
    attended = models.BooleanField(null=True, blank=True)
    trained_on = DayField(null=True, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="enrollment_unique_person")
        ]
        # Covers the program page's cohorts and attendance (grouped by training date) and
        # the trained-by-a-date counts, without reading the table's rows.
        indexes = [
            models.Index(
                fields=["program", "trained_on", "role", "attended", "person"],
                name="enrollment_cohorts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.program}"

    def clean(self) -> None:
        if self.person.organization_id != self.program.organization_id:
            raise ValidationError({"person": "The person belongs to another organization."})
        if self.session is not None and self.session.program_id != self.program_id:
            raise ValidationError({"session": "The session belongs to another program."})
