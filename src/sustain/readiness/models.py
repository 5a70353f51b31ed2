"""Preparation before the workshop: the owner's fit, the goals and their baselines, the
needs assessment of what training cannot fix, the leadership's "why" and how it is
spread, expectations per role, the managers' engagement, the reinforcement and
measurement plans, and the thresholds the readiness check applies to them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sustain.lib.validation import DayField, LongTextField
from sustain.orgs.models import Person, Region, Role, Team
from sustain.programs.models import Program

# A goal is measured within three years of the workshop.
MAX_HORIZON_DAYS = 3 * 365


class ReadinessSettings(models.Model):
    """Per-program thresholds of the readiness check; a program without a row uses the
    defaults below (`programs.selectors.program_settings`)."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="readiness_settings"
    )
    min_owner_time_share = models.PositiveSmallIntegerField(
        default=25,
        validators=[MaxValueValidator(100)],
        help_text="Percent of the owner's time the program needs at least.",
    )
    min_touches = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Touches of the why message before the workshop.",
    )
    min_channels = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],  # the six `Channel`s
        help_text="Different channels the touches use.",
    )
    first_touch_lead_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MaxValueValidator(365)],
        help_text="Days between the first touch and the first workshop session.",
    )
    min_horizon_days = models.PositiveSmallIntegerField(
        default=120,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_DAYS)],
        help_text="Effects fade by 90-120 days: measure at least this long after the workshop.",
    )
    min_reinforcement_share = models.PositiveSmallIntegerField(
        default=25,
        validators=[MaxValueValidator(100)],
        help_text="Percent of the budget spent after the workshop, at least.",
    )

    def __str__(self) -> str:
        return f"Readiness thresholds of {self.program}"


class OwnerProfile(models.Model):
    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="owner_profile")
    has_sales_experience = models.BooleanField(null=True, blank=True)
    sales_years = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(60)])
    time_share = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Percent of the owner's working time allocated to this program.",
    )
    carries_quota = models.BooleanField(default=False)
    paid_for_success = models.BooleanField(
        default=False, help_text="Program success is part of the owner's pay."
    )
    other_programs = LongTextField(
        blank=True, help_text="Other programs or initiatives she owns outside Sustain."
    )

    def __str__(self) -> str:
        return f"Owner fit for {self.program}"

    def clean(self) -> None:
        if self.has_sales_experience is False and self.sales_years:
            raise ValidationError({"sales_years": "Years of sales experience need experience."})


class Kpi(models.TextChoices):
    REVENUE = "revenue", "Revenue"
    MARGIN = "margin", "Margin"
    TURNOVER = "turnover", "Turnover"
    SALES_CYCLE = "sales_cycle", "Sales-cycle length"
    WALLET_SHARE = "wallet_share", "Wallet share"
    WIN_RATE = "win_rate", "Win rate"
    CUSTOM = "custom", "Custom"


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


class Goal(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="goals")
    kpi = models.CharField(max_length=20, choices=Kpi.choices)
    custom_name = models.CharField(max_length=120, blank=True)
    # Nullable only so a missing baseline is reported by clean() in words, not by the DB.
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_start = DayField(null=True, blank=True)
    baseline_end = DayField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    horizon_days = models.PositiveIntegerField(
        default=120,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_DAYS)],
        help_text="Days after the workshop when the result is measured.",
    )
    leading_indicators = LongTextField(
        blank=True, help_text="The behaviours expected to move first."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.custom_name if self.kpi == Kpi.CUSTOM else self.get_kpi_display()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kpi == Kpi.CUSTOM and not self.custom_name.strip():
            errors["custom_name"] = "Name the custom KPI."
        if self.baseline_value is None:
            errors["baseline_value"] = (
                "A goal needs a baseline: the KPI's value before the program."
            )
        if self.baseline_start is None or self.baseline_end is None:
            errors["baseline_start"] = "Give the period the baseline was measured over."
        elif self.baseline_end < self.baseline_start:
            errors["baseline_end"] = "The baseline period ends before it starts."
        if self.target_value is None:
            errors["target_value"] = "A goal needs a target."
        elif self.baseline_value is not None:
            wrong = (
                self.target_value <= self.baseline_value
                if self.direction == Direction.INCREASE
                else self.target_value >= self.baseline_value
            )
            if wrong:
                side = "above" if self.direction == Direction.INCREASE else "below"
                errors["target_value"] = f"The target must be {side} the baseline."
        if errors:
            raise ValidationError(errors)


class Factor(models.TextChoices):
    COMPENSATION = "compensation", "Compensation plan"
    ENVIRONMENT = "environment", "Work environment and morale"
    BRAND = "brand", "Brand image"
    COLLATERAL = "collateral", "Marketing collateral"
    INDICATORS = "indicators", "Management measures the right indicators"
    PROCESS = "process", "Sales process and tools"
    STAFFING = "staffing", "Staffing and turnover"


class Severity(models.TextChoices):
    NONE = "none", "None"
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"


class NeedsFactor(models.Model):
    """A factor training cannot fix, rated for how much it holds the sales force back."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="needs_factors")
    factor = models.CharField(max_length=20, choices=Factor.choices)
    rating = models.CharField(max_length=10, choices=Severity.choices)
    notes = LongTextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "factor"], name="needs_unique_factor")
        ]

    def __str__(self) -> str:
        return f"{self.get_factor_display()}: {self.rating}"

    def clean(self) -> None:
        if self.rating == Severity.MAJOR and not self.notes.strip():
            raise ValidationError({"notes": "Say what the major problem is."})


class WhyMessage(models.Model):
    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="why_message")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="why_messages")
    market_change = LongTextField(help_text="What changed in the market.")
    status_quo = LongTextField(help_text="Why the way we sell today is not okay.")
    body = LongTextField(blank=True, help_text="The message as reps will read it.")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Why {self.program}"

    def clean(self) -> None:
        if self.author_id and self.author.role != Role.EXECUTIVE:
            raise ValidationError({"author": "The why is written by an executive."})
        if self.author_id and self.author.organization_id != self.program.organization_id:
            raise ValidationError({"author": "The author belongs to another organization."})


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEAM_MEETING = "team_meeting", "Team meeting"
    TOWN_HALL = "town_hall", "Town hall"
    ONE_ON_ONE = "one_on_one", "1:1"
    VIDEO = "video", "Video"
    CHAT = "chat", "Chat"


class Audience(models.TextChoices):
    ALL_REPS = "all_reps", "All reps"
    REGION = "region", "A region"
    TEAM = "team", "A team"
    MANAGERS = "managers", "The managers"


class TouchStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"


class Touch(models.Model):
    """One communication of the why message in the dissemination plan."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="touches")
    date = DayField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    forum = models.CharField(max_length=200, blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.ALL_REPS)
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="touches_sent")
    status = models.CharField(
        max_length=10, choices=TouchStatus.choices, default=TouchStatus.PLANNED
    )

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.date}"

    def clean(self) -> None:
        program = self.program
        if self.date and program.closed_on and self.date > program.closed_on:
            raise ValidationError(
                {
                    "date": (
                        f"The program closed on {program.closed_on:%Y-%m-%d}; "
                        "a touch cannot be dated after that."
                    )
                }
            )
        if self.audience == Audience.REGION and self.region_id is None:
            raise ValidationError({"region": "Choose the region this touch addresses."})
        if self.audience == Audience.TEAM and self.team_id is None:
            raise ValidationError({"team": "Choose the team this touch addresses."})
        for name in ("region", "team", "sender"):
            obj = getattr(self, name)
            if obj is not None and obj.organization_id != program.organization_id:
                raise ValidationError({name: "It belongs to another organization."})


class Acknowledgement(models.Model):
    """A rep's acknowledgement of the why message, with the optional pulse answer to
    "I understand why we are changing how we sell" (1-5). Shown only by team."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="acknowledgements")
    rep = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    pulse = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "rep"], name="ack_unique_rep")]

    def __str__(self) -> str:
        return f"{self.rep} acknowledged {self.program}"


class ExpectationRole(models.TextChoices):
    EXECUTIVE = "executive", "Executives"
    MANAGER = "manager", "Managers"
    REP = "rep", "Reps"


class Expectation(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="expectations")
    role = models.CharField(max_length=20, choices=ExpectationRole.choices)
    do_differently = LongTextField(help_text="What they will do differently.")
    measured_by = LongTextField(help_text="How it will be measured.")
    recognized_by = LongTextField(help_text="How success is recognized and rewarded.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "role"], name="expectation_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.program}"


class PanelMember(models.Model):
    """A manager on the customization panel, who tailored the program to her reps."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="panel")
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="panels")
    scenarios = LongTextField(help_text="The real situations she contributed.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "manager"], name="panel_unique_manager")
        ]

    def __str__(self) -> str:
        return f"{self.manager} on the panel of {self.program}"

    def clean(self) -> None:
        if self.manager_id is None:  # refused as a required field
            return
        if self.manager.role != Role.MANAGER:
            raise ValidationError({"manager": "The customization panel is made of managers."})
        if self.manager.organization_id != self.program.organization_id:
            raise ValidationError({"manager": "The manager belongs to another organization."})


class CoachingCadence(models.TextChoices):
    NONE = "none", "None"
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class ReinforcementPlan(models.Model):
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="reinforcement_plan"
    )
    coaching_cadence = models.CharField(
        max_length=10, choices=CoachingCadence.choices, default=CoachingCadence.NONE
    )
    refreshers = models.BooleanField(default=False)
    ninety_day_plans = models.BooleanField(default=False)
    certification = models.BooleanField(default=False, help_text="Managers get certified.")
    notes = LongTextField(blank=True)

    def __str__(self) -> str:
        return f"Reinforcement plan of {self.program}"

    @property
    def activities(self) -> list[str]:
        chosen = []
        if self.coaching_cadence != CoachingCadence.NONE:
            chosen.append(f"{self.get_coaching_cadence_display().lower()} coaching")
        chosen += [
            label
            for flag, label in (
                (self.refreshers, "refreshers"),
                (self.ninety_day_plans, "90-day plans"),
                (self.certification, "manager certification"),
            )
            if flag
        ]
        return chosen


class ComparisonKind(models.TextChoices):
    LATER_TRAINED = "later_trained", "Trained later"
    UNTRAINED = "untrained", "Not trained"


class MeasurementPlan(models.Model):
    """How impact will be measured, and against which comparison group."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="measurement_plan"
    )
    method = LongTextField(help_text="How the impact will be measured.")
    comparison_kind = models.CharField(
        max_length=20, choices=ComparisonKind.choices, default=ComparisonKind.LATER_TRAINED
    )
    comparison_group = LongTextField(
        blank=True, help_text="Who is in the comparison group (regions, teams)."
    )

    def __str__(self) -> str:
        return f"Measurement plan of {self.program}"
