"""A rep's 90-day development plan: one phase per program concept, a commitment, weekly
check-ins, and items added by others (coaching's development actions)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sustain.lib.validation import DayField, LongTextField
from sustain.orgs.models import Person
from sustain.programs.models import Concept, Enrollment, Program

# A development plan runs 30 to 180 days: shorter builds no habit, longer is no plan.
PLAN_DAYS_MIN, PLAN_DAYS_MAX = 30, 180


class PlanPolicy(models.Model):
    """Per-program rules; a program without a row uses the defaults below."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="plan_policy")
    plan_days = models.PositiveIntegerField(
        default=90,
        validators=[MinValueValidator(PLAN_DAYS_MIN), MaxValueValidator(PLAN_DAYS_MAX)],
        help_text=f"Days from the first day to the last, {PLAN_DAYS_MIN} to {PLAN_DAYS_MAX}.",
    )
    commit_within_days = models.PositiveIntegerField(default=7, validators=[MaxValueValidator(90)])
    new_hire_days = models.PositiveIntegerField(
        default=180,
        validators=[MaxValueValidator(3650)],
        help_text="A rep hired within this many days of her workshop must follow the plan.",
    )
    quota_threshold = models.FloatField(
        default=0.8,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="Attainment (1.0 = 100% of quota) under which a period counts as below quota.",
    )
    quota_periods = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Consecutive latest periods below the threshold that make the plan mandatory.",
    )

    def __str__(self) -> str:
        return f"Plan policy of {self.program}"


class MandatoryReason(models.TextChoices):
    NONE = "", "Voluntary"
    NEW_HIRE = "new_hire", "New to the role"
    BELOW_QUOTA = "below_quota", "Focused support this period"


# What the rep reads: neutral words, a resource and not a punishment.
REASON_TEXT = {
    MandatoryReason.NONE: "This plan is a resource for you: use it to make the workshop stick, "
    "at your own pace.",
    MandatoryReason.NEW_HIRE: "Everyone who joined in the last months follows this plan: it is "
    "how new colleagues get the most from the workshop.",
    MandatoryReason.BELOW_QUOTA: "Your manager and you will work through this plan together "
    "this period, with her support at each phase.",
}


class Plan(models.Model):
    """`start` is the day after the workshop unless a manager restarted the plan (after a
    leave, say): then `start` is the new first day and `restart_note` says why."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="plan")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="plans")
    rep = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plans")
    start = DayField()
    restart_note = models.CharField(max_length=300, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    mandatory_reason = models.CharField(
        max_length=20, choices=MandatoryReason.choices, blank=True, default=""
    )
    # Set by the manager when no KPI import says it: "consistently below quota".
    below_quota_flag = models.BooleanField(default=False)
    # When the manager was told the plan was still uncommitted (the sweep claims it once).
    flagged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["rep__name"]
        indexes = [models.Index(fields=["committed_at", "flagged_at"], name="plan_uncommitted")]

    def __str__(self) -> str:
        return f"Plan of {self.rep} in {self.program}"

    def clean(self) -> None:
        if self.enrollment_id and (
            self.enrollment.person_id != self.rep_id
            or self.enrollment.program_id != self.program_id
        ):
            raise ValidationError({"enrollment": "The enrollment is another person's."})

    @property
    def mandatory(self) -> bool:
        return bool(self.mandatory_reason)

    @property
    def reason_text(self) -> str:
        return REASON_TEXT[MandatoryReason(self.mandatory_reason)]


class Phase(models.Model):
    """One concept of the program; its dates follow from the plan's start and the `days`
    of the phases before it, so reordering or reweighting never leaves gaps."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="plan_phases")
    position = models.PositiveIntegerField()
    # No phase is longer than the longest plan.
    days = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(PLAN_DAYS_MAX)]
    )
    behaviours = LongTextField(blank=True, help_text="What to practise, one per line.")
    goal = LongTextField(blank=True, help_text="The rep's personal goal for this phase.")

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "concept"], name="phase_unique_concept")
        ]

    def __str__(self) -> str:
        return f"{self.concept} ({self.days} days)"

    @property
    def behaviour_list(self) -> list[str]:
        return [line.strip() for line in self.behaviours.splitlines() if line.strip()]


class CheckIn(models.Model):
    """One per plan per week (`week` is the Monday); a second one that week amends it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="check_ins")
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    week = models.DateField()
    applied = LongTextField(blank=True)
    struggled = LongTextField(blank=True)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-week"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "week"], name="checkin_one_per_week")
        ]

    def __str__(self) -> str:
        return f"Check-in {self.week} ({self.rating}/5)"

    def clean(self) -> None:
        if self.week and self.week.weekday() != 0:
            raise ValidationError({"week": "A check-in week starts on a Monday."})


class PlanItem(models.Model):
    """Something added to a plan by another part of Sustain, e.g. a development action
    from a coaching observation (`source="coaching"`)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(max_length=500)
    due = DayField(null=True, blank=True)
    source = models.CharField(max_length=40, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "due", "id"]

    def __str__(self) -> str:
        return self.text
