"""A run of the impact analysis for one program and one KPI (the goal), computed in the
background; its result is the engine's JSON plus what the page needs around it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sustain.metrics.models import KpiDefinition
from sustain.orgs.models import Person
from sustain.programs.models import Program


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Control(models.TextChoices):
    NEVER = "never", "Never trained"
    NOTYET = "notyet", "Not yet trained"


class Cluster(models.TextChoices):
    TEAM = "team", "Team (reps of one manager share shocks)"
    REGION = "region", "Region"
    REP = "rep", "Each rep on its own"


class BasePeriod(models.TextChoices):
    VARYING = "varying", "Period before (varying)"
    UNIVERSAL = "universal", "Last period before training (universal)"


class Sensitivity(models.TextChoices):
    RM = "rm", "Relative magnitudes (recommended)"
    SMOOTH = "smooth", "Smoothness (a bend in the trend)"
    NONE = "none", "None"


class AnalysisRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="analysis_runs")
    kpi = models.ForeignKey(KpiDefinition, on_delete=models.CASCADE, related_name="analysis_runs")
    by = models.CharField(max_length=60, blank=True, help_text="Split by this rep attribute.")
    control = models.CharField(max_length=10, choices=Control.choices, default=Control.NEVER)
    covariates = models.JSONField(
        default=list, blank=True, help_text="Rep attributes the sales trend may depend on."
    )
    cluster = models.CharField(max_length=10, choices=Cluster.choices, default=Cluster.TEAM)
    anticipation = models.PositiveSmallIntegerField(
        default=0, help_text="Periods before training in which reps may already react."
    )
    base_period = models.CharField(
        max_length=10, choices=BasePeriod.choices, default=BasePeriod.VARYING
    )
    sensitivity = models.CharField(
        max_length=10,
        choices=Sensitivity.choices,
        default=Sensitivity.RM,
        help_text="HonestDiD: how far parallel trends may fail before the effect is in doubt.",
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The worker's last sign of life; a running run silent past the lease is reaped.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "kpi", "-created_at"], name="run_latest")]

    def __str__(self) -> str:
        return f"{self.program} · {self.kpi} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class KirkpatrickSummary(models.Model):
    """A program's Kirkpatrick levels 1-3 as last computed in the background: each reads
    other apps' data over every rep and manager (pulse, refresher retention, certification
    with its coaching cadence, rubric scores, check-ins), too much work for a page view.
    `levels` maps "1".."3" to items {"label", "value", "people"}; the minimum group size
    is applied when they are read, per viewer."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="kirkpatrick_summary"
    )
    levels = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    # When a page last asked for a fresh computation; one request per lease, not per view.
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Kirkpatrick summary of {self.program_id} at {self.computed_at}"
