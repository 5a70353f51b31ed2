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
    # ISO 4217 code of a monetary KPI, recorded by the first import that states one.
    currency = models.CharField(max_length=3, blank=True)
    # Imports refuse values outside these; currency, count, ratio and days KPIs also refuse
    # negative values unless allow_negative is set.
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    allow_negative = models.BooleanField(default=False)

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


class NumberFormat(models.TextChoices):
    DOT_DECIMAL = "1,234.56", "1,234.56 (US, UK)"
    COMMA_DECIMAL = "1.234,56", "1.234,56 (Germany, Spain, Italy...)"
    SPACE_GROUPS = "1 234,56", "1 234,56 (France, Nordics...)"
    APOSTROPHE_GROUPS = "1'234.56", "1'234.56 (Switzerland)"


class DateOrder(models.TextChoices):
    UNSTATED = "", "Only unambiguous dates (ISO 2026-03-02, month names)"
    DMY = "dmy", "Day/month/year (02/11/2026 is 2 November)"
    MDY = "mdy", "Month/day/year (02/11/2026 is February 11)"


class ImportMapping(models.Model):
    """How one source's columns map onto Sustain's fields, saved per organization so the
    next export from the same CRM report imports without asking again."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="import_mappings"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    columns = models.JSONField(default=dict, blank=True)
    # How the file writes numbers and dates: declared, never guessed.
    number_format = models.CharField(
        max_length=10, choices=NumberFormat.choices, default=NumberFormat.DOT_DECIMAL
    )
    date_order = models.CharField(max_length=3, choices=DateOrder.choices, blank=True)
    encoding = models.CharField(max_length=20, blank=True, help_text="Blank: detected.")
    delimiter = models.CharField(max_length=1, blank=True, help_text="Blank: detected.")
    blanks_are_no_data = models.BooleanField(
        default=False, help_text="Skip (and count) blank values instead of refusing the file."
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO code, e.g. USD.")
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
    PREVIEW = "preview", "Preview"
    APPLYING = "applying", "Applying"
    DONE = "done", "Done"
    FAILED = "failed", "Rejected"
    UNDONE = "undone", "Undone"


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
    # Asked for a preview only; a job also stops at `preview` when applying would replace
    # stored values, until someone confirms.
    dry_run = models.BooleanField(default=False)
    # Per KPI: rows, new, replaced, unchanged, skipped; skipped rows with reasons; notes.
    preview = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # While applying: the staged rows up to this id are in the store (their old values in
    # the journal), and when the last chunk was written; a stale swap is rolled back. While
    # reading the file, progress renews it too: a silent running job is failed by the reaper.
    applied_through = models.BigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    rows_read = models.PositiveIntegerField(default=0)
    values_written = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The first rejected rows (file, row, column, value, reason); error_count has them all.
    errors = models.JSONField(default=list, blank=True)
    # Why a job failed other than by rejected rows (an unreadable file, a lost worker).
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def finished(self) -> bool:
        """Nothing more will happen without someone asking (polling may stop)."""
        return self.status in (
            JobStatus.PREVIEW,
            JobStatus.DONE,
            JobStatus.FAILED,
            JobStatus.UNDONE,
        )


class StagedValue(models.Model):
    """An import's values, staged before they are applied (in short transactions, so a large
    import never holds the database's write lock for long) and kept afterwards as its
    journal: `old_value` is what applying replaced (`existed` NULL: the cell was new), so
    the import can be undone. Cells name the KPI by key: a dry run creates no KPI."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="staged")
    rep_id = models.BigIntegerField()
    period = models.DateField()
    kpi_key = models.CharField(max_length=80)
    value = models.FloatField()
    existed = models.BooleanField(null=True)
    old_value = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["job", "kpi_key"], name="stagedvalue_job_kpi")]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.kpi_key} {self.rep_id} {self.period} = {self.value}"


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
