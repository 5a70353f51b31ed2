"""Coaching: the rubric per concept, observations of a rep by her manager with scores,
a root-cause diagnosis and a prescription, and the cadence policy per program."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sustain.lib.validation import DayField, LongTextField
from sustain.orgs.models import Organization, Person
from sustain.programs.models import Concept, Program


class Score(models.IntegerChoices):
    """The rubric's four levels. Level 1 is a score ("does not do it when the call invites
    it"); a concept the manager did not get to see is not scored at all (coaching: no score
    row; a role-play: a score of null), so it never drags an average down."""

    NOT_YET = 1, "Not yet"
    DEVELOPING = 2, "Developing"
    PROFICIENT = 3, "Proficient"
    ROLE_MODEL = 4, "Role model"


class Channel(models.TextChoices):
    FIELD = "field", "Field ride-along"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    ROLE_PLAY = "role_play", "Role-play"


class Diagnosis(models.TextChoices):
    """Root cause of the gap: the four inside the rep, then the outside factors of the
    needs assessment, which training and coaching cannot fix."""

    KNOWLEDGE = "knowledge", "Knowledge"
    SKILL = "skill", "Skill"
    WILL = "will", "Will / motivation"
    PROCESS = "process", "Process / tools"
    COMPENSATION_PLAN = "compensation_plan", "Outside: compensation plan"
    WORK_ENVIRONMENT = "work_environment", "Outside: work environment and morale"
    BRAND_IMAGE = "brand_image", "Outside: brand image"
    MARKETING_COLLATERAL = "marketing_collateral", "Outside: marketing collateral"
    MANAGEMENT_MEASURES = "management_measures", "Outside: management measures"
    SALES_PROCESS = "sales_process", "Outside: sales process and tools"
    STAFFING = "staffing_turnover", "Outside: staffing and turnover"


OUTSIDE_FACTORS = frozenset(d.value for d in Diagnosis) - {"knowledge", "skill", "will", "process"}


class RubricBehaviour(models.Model):
    """An observable behaviour of a concept, with what each score looks like."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="behaviours")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    level_1 = models.CharField("Not yet", max_length=300)
    level_2 = models.CharField("Developing", max_length=300)
    level_3 = models.CharField("Proficient", max_length=300)
    level_4 = models.CharField("Role model", max_length=300)

    class Meta:
        ordering = ["concept__position", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def levels(self) -> list[tuple[int, str, str]]:
        return [(s.value, s.label, getattr(self, f"level_{s.value}")) for s in Score]


# Two observations a week per rep is as much as a manager with a team can do.
MAX_OBSERVATIONS_PER_MONTH = 8
# Development actions prescribed by one observation.
MAX_ACTIONS = 10


class CoachingPolicy(models.Model):
    """How often each rep must be observed: more often in the first days after her
    workshop (when new habits form or die), then a steady rate."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="coaching_policy"
    )
    intensive_days = models.PositiveIntegerField(
        default=90, validators=[MaxValueValidator(365)], help_text="At most a year."
    )
    intensive_per_month = models.PositiveIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OBSERVATIONS_PER_MONTH)],
        help_text=f"1 to {MAX_OBSERVATIONS_PER_MONTH} observations of each rep a month.",
    )
    steady_per_month = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OBSERVATIONS_PER_MONTH)],
        help_text=f"1 to {MAX_OBSERVATIONS_PER_MONTH} observations of each rep a month.",
    )

    def __str__(self) -> str:
        return f"Coaching policy of {self.program}"

    def clean(self) -> None:
        if self.intensive_per_month < 1 or self.steady_per_month < 1:
            raise ValidationError("At least one observation a month.")

    def interval_days(self, days_since_training: int) -> int:
        per_month = (
            self.intensive_per_month
            if days_since_training < self.intensive_days
            else self.steady_per_month
        )
        return max(1, round(30 / per_month))


class Observation(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="observations"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="observations")
    rep = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="observations")
    observer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="observations_made")
    date = DayField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    diagnosis = models.CharField(max_length=40, choices=Diagnosis.choices)
    summary = LongTextField(blank=True)
    # Shown to the observer and the program's leadership, never to the rep.
    private_note = LongTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["rep", "program", "date"]),
            # Each manager's last observation in a program (who stopped coaching).
            models.Index(fields=["observer", "program", "date"]),
            # A program's observations by day (the fade page, coverage by week).
            models.Index(fields=["program", "date"], name="observation_program_date"),
        ]

    def __str__(self) -> str:
        return f"{self.rep} · {self.date}"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "An observation cannot be dated in the future."})
        if self.rep_id and self.program_id:
            if self.rep.organization_id != self.program.organization_id:
                raise ValidationError({"rep": "The rep belongs to another organization."})
            if self.rep_id == self.observer_id:
                raise ValidationError({"rep": "Nobody observes herself."})


class ObservationScore(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="scores")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    evidence = LongTextField(blank=True)

    class Meta:
        ordering = ["concept__position", "concept_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "concept"], name="observation_score_unique_concept"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concept} · {self.score}"


class DevelopmentAction(models.Model):
    """The prescription: what the rep does next, by when. Mirrored onto her 90-day plan
    when she has one (`plan_item_id`)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    due = DayField()
    done_on = DayField(null=True, blank=True)
    plan_item_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.text


class CoachingSummary(models.Model):
    """A program's coaching figures over every rep of its organization, as last computed
    in the background (`services.coaching_summary_refresh`): at 100,000 reps the latest
    score of each rep per concept and each rep's due date are too much work for a page
    view. `distribution` holds `selectors.distribution_rows`; `coverage` the counts of
    `selectors.coverage` on `as_of` with the most overdue reps as {"rep", "days_overdue",
    "last_observed", "next_due"} (ISO dates). The minimum group size is applied when they
    are read, per viewer, as for live figures."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="coaching_summary"
    )
    distribution = models.JSONField(default=list)
    coverage = models.JSONField(default=dict)
    as_of = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # A refresh is pending since then (enqueued once per task lease, however many asks).
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Coaching summary of {self.program_id} at {self.computed_at}"


class StalledManager(models.Model):
    """A manager who stopped coaching in the program (`selectors.stalled_observers`) as of
    its `CoachingSummary`, with her reps' coverage then; `position` is the page's order,
    longest silent first."""

    summary = models.ForeignKey(CoachingSummary, on_delete=models.CASCADE, related_name="stalled")
    position = models.PositiveIntegerField()
    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    last = models.DateField(null=True, blank=True)
    due = models.PositiveIntegerField()
    on_time = models.PositiveIntegerField()
    coverage = models.FloatField()

    class Meta:
        ordering = ["summary", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "position"], name="stalled_manager_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manager_id} stalled in {self.summary_id}"
