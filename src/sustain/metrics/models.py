"""The KPI store: what each KPI means, and its values stored narrow, one row per
(rep, period, KPI), so that any number of KPIs and 100k reps fit one table."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization, Person


class KpiUnit(models.TextChoices):
    CURRENCY = "currency", "Currency"
    COUNT = "count", "Count"
    RATIO = "ratio", "Ratio (0-1)"
    DAYS = "days", "Days"
    NUMBER = "number", "Number"


class Direction(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"


class KpiDefinition(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="kpis")
    # The name files use: a column of a wide panel or the `kpi` value of a long one.
    key = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=20, choices=KpiUnit.choices, default=KpiUnit.NUMBER)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    # Monetary KPIs (revenue, margin) can be turned into a return on investment.
    monetary = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="kpi_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class KpiValue(models.Model):
    rep = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kpi_values")
    period = models.DateField(help_text="First day of the period (the Monday of a week).")
    kpi = models.ForeignKey(KpiDefinition, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rep", "period", "kpi"], name="kpivalue_unique_cell")
        ]
        # The analysis reads one KPI over all reps and periods.
        indexes = [models.Index(fields=["kpi", "period"], name="kpivalue_kpi_period")]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.rep_id} {self.period}: {self.value}"


class Source(models.TextChoices):
    PANEL = "panel", "KPI panel (CSV or Parquet)"
    SALESFORCE = "salesforce", "Salesforce opportunity report"
    HUBSPOT = "hubspot", "HubSpot deal export"


class ImportMapping(models.Model):
    """How one source's columns map onto Sustain's fields, saved per organization so the
    next export from the same CRM report imports without asking again."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_mappings"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "source"], name="mapping_unique_source")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.source}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Rejected"


class ImportJob(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    format = models.CharField(max_length=10, blank=True)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/", blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    rows_read = models.PositiveIntegerField(default=0)
    values_written = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The first rejected rows (file, row, column, value, reason); error_count has them all.
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class RepAttribute(models.Model):
    """A named attribute of a rep used to split the impact analysis (e.g. coached = yes/no),
    for attributes not derived from other tables. Imported or set by the demo."""

    rep = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attributes")
    name = models.SlugField(max_length=60)
    value = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rep", "name"], name="repattribute_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.rep_id} {self.name}={self.value}"
