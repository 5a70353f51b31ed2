"""Running the impact analysis: KPI store + enrollment dates → the engine → a stored run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sustain.analysis import selectors
from sustain.analysis.attributes import attribute_values, available_attributes
from sustain.analysis.models import (
    AnalysisRun,
    BasePeriod,
    Cluster,
    Control,
    KirkpatrickSummary,
    RunStatus,
    Sensitivity,
)
from sustain.lib.jobs import finite_or_none
from sustain.metrics.models import KpiDefinition, KpiValue
from sustain.orgs.models import Person, Role
from sustain.programs.models import Program
from sustain.programs.selectors import measurement_groups


@transaction.atomic
def analysis_run_create(
    *,
    program: Program,
    kpi: KpiDefinition,
    by: str = "",
    control: str = Control.NEVER,
    created_by: Person | None = None,
    run_now: bool = False,
    covariates: list[str] | None = None,
    cluster: str = Cluster.TEAM,
    anticipation: int = 0,
    base_period: str = BasePeriod.VARYING,
    sensitivity: str = Sensitivity.RM,
) -> AnalysisRun:
    if kpi.organization_id != program.organization_id:
        raise ValidationError({"kpi": "The KPI belongs to another organization."})
    known = dict(available_attributes(program.organization))
    if by and by not in known:
        raise ValidationError({"by": f"Unknown attribute {by!r}."})
    if control not in Control.values:
        raise ValidationError({"control": "Control must be never or notyet."})
    unknown = [c for c in covariates or [] if c not in known]
    if unknown:
        raise ValidationError({"covariates": f"Unknown attribute(s) {', '.join(unknown)}."})
    if cluster not in Cluster.values:
        raise ValidationError({"cluster": "Cluster must be team, region or rep."})
    if base_period not in BasePeriod.values:
        raise ValidationError({"base_period": "Base period must be varying or universal."})
    if sensitivity not in Sensitivity.values:
        raise ValidationError({"sensitivity": "Sensitivity must be rm, smooth or none."})
    if not 0 <= anticipation <= MAX_ANTICIPATION:
        raise ValidationError(
            {"anticipation": f"Anticipation must be 0 to {MAX_ANTICIPATION} periods."}
        )
    run = AnalysisRun(
        program=program,
        kpi=kpi,
        by=by,
        control=control,
        created_by=created_by,
        covariates=list(dict.fromkeys(covariates or [])),
        cluster=cluster,
        anticipation=anticipation,
        base_period=base_period,
        sensitivity=sensitivity,
    )
    run.full_clean()
    run.save()
    if run_now:
        analysis_run_execute(run=run)
    else:
        from sustain.analysis.tasks import run_analysis

        transaction.on_commit(lambda: run_analysis.enqueue(run.pk))
    return run


MAX_ANTICIPATION = 12
# The sensitivity analysis (HonestDiD) is of the average effect over the first periods after
# training: its test grows combinatorially with the number of post-training periods.
SENSITIVITY_PERIODS = 6
SENSITIVITY_NEEDS_UNIVERSAL = (
    "Not computed: the sensitivity analysis bounds every effect from the last period before "
    "training, so it needs pre-periods compared with that period (universal base period). "
    "Run again with it to see how robust the effect is."
)
# Cluster-robust SEs need many clusters; with fewer teams (or regions) than this the run
# clusters by rep and says so.
MIN_CLUSTERS = 10


def _design_columns(
    values: pd.DataFrame, program: Program, on: Any, covariates: list[str], cluster: str
) -> dict[str, Any]:
    """Add covariate dummies (one per attribute value but the most common) and the cluster
    label to the panel; return what was used, for the page."""
    used: dict[str, Any] = {"covariates": [], "cluster": "rep", "n_clusters": None}
    names: list[str] = []
    for key in covariates:
        labels = attribute_values(program.organization, key, on)
        per_row = values["rep"].map(lambda r, labels=labels: labels.get(int(r), "unknown"))
        levels = per_row.value_counts()
        for level in levels.index[1:]:
            name = f"cov{len(names)}"
            values[name] = (per_row == level).astype(float)
            names.append(name)
            used["covariates"].append(f"{key}: {level}")
    if cluster != "rep":
        labels = attribute_values(program.organization, cluster, on)
        values["cluster"] = values["rep"].map(lambda r: labels.get(int(r), f"rep {r}"))
        n = int(values["cluster"].nunique())
        if n >= MIN_CLUSTERS:
            used["cluster"], used["n_clusters"] = cluster, n
        else:
            used["cluster_note"] = (
                f"Only {n} {cluster}(s) among these reps: too few to cluster by; "
                "standard errors are per rep."
            )
    used["columns"] = names
    return used


def build_panel(
    *, program: Program, kpi: KpiDefinition, by: str = ""
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per (rep, period): the KPI value, the period's index (1..T), the cohort (index
    of the first period at/after the rep's training date; 0 = never trained) and the split
    attribute. Reps trained before the first period have no before and are left out."""
    values = pd.DataFrame.from_records(
        KpiValue.objects.filter(kpi=kpi, rep__role=Role.REP).values_list(
            "rep_id", "period", "value"
        ),
        columns=["rep", "period", "value"],
    )
    if values.empty:
        raise ValidationError({"kpi": f"No values of {kpi.name} have been imported yet."})
    values["period"] = pd.to_datetime(values["period"])
    periods = np.sort(values["period"].unique())
    values["t"] = np.searchsorted(periods, values["period"].to_numpy()) + 1
    groups = measurement_groups(program=program)
    trained = groups.trained
    reps = values["rep"].unique()
    cohort = np.zeros(len(reps), dtype="int64")
    for i, rep in enumerate(reps):
        day = trained.get(int(rep))
        if day is not None:
            g = int(np.searchsorted(periods, np.datetime64(day), side="left")) + 1
            cohort[i] = g if g <= len(periods) else 0
    cohorts = pd.Series(cohort, index=reps)
    values["cohort"] = values["rep"].map(cohorts).astype("int64")
    dropped = int((cohorts == 1).sum())
    values = values[values["cohort"] != 1]
    if by:
        on = pd.Timestamp(periods[-1]).date()
        labels = attribute_values(program.organization, by, on)
        values["attr"] = values["rep"].map(lambda r: labels.get(int(r), "unknown"))
    steps = np.diff(periods).astype("timedelta64[D]").astype(int)
    meta = {
        "periods": [str(pd.Timestamp(p).date()) for p in periods],
        "period_days": float(np.median(steps)) if len(steps) else 7.0,
        "n_trained": int((cohorts > 1).sum()),
        "n_comparison": int((cohorts == 0).sum()),
        "dropped_trained_before_data": dropped,
        # The program's groups (the one definition every page shows) and how many of each
        # the analysis could not use: no value of this KPI, or trained before it begins.
        "groups": {"trained": groups.n_trained, "comparison": groups.n_comparison},
        "trained_without_data": len(set(trained) - {int(r) for r in reps}),
        "comparison_without_data": len(groups.comparison - {int(r) for r in reps}),
    }
    return values, meta


def analysis_run_execute(
    *, run: AnalysisRun, progress: Callable[[int], None] | None = None
) -> AnalysisRun:
    """Compute the run and store its result; bad data ends the run as failed with the
    engine's message, never a wrong number."""
    from sustain.impact import ImpactInputError

    def step(percent: int) -> None:
        run.progress = percent
        AnalysisRun.objects.filter(pk=run.pk).update(progress=percent, heartbeat_at=timezone.now())
        if progress:
            progress(percent)

    run.status = RunStatus.RUNNING
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "heartbeat_at"])
    step(10)
    try:
        panel, meta = build_panel(program=run.program, kpi=run.kpi, by=run.by)
        on = pd.Timestamp(meta["periods"][-1]).date()
        design = _design_columns(panel, run.program, on, run.covariates, run.cluster)
        meta["design"] = {k: v for k, v in design.items() if k != "columns"}
        step(40)
        options = dict(
            unit="rep",
            time="t",
            outcome="value",
            cohort="cohort",
            control=run.control,
            by="attr" if run.by else None,
            period_days=meta["period_days"],
            covariates=design["columns"] or None,
            cluster="cluster" if design["cluster"] != "rep" else None,
            anticipation=run.anticipation,
            base_period=run.base_period,
        )
        result = _estimate_with_sensitivity(run, panel, options, meta)
        step(90)
        out = result.to_dict()
        out["meta"] = meta
        program = run.program
        if run.kpi.monetary and program.budget_total > 0:
            out["roi"] = result.roi(
                workshop_cost=float(program.budget_workshop),
                reinforcement_cost=float(program.budget_reinforcement),
            ).to_dict()
        # NaN and ±Infinity are not JSON (PostgreSQL refuses them): stored as null.
        run.result = finite_or_none(out)
        run.status = RunStatus.DONE
        run.message = ""
    except (ValidationError, ImpactInputError, ArithmeticError) as exc:
        run.status = RunStatus.FAILED
        run.message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    run.progress = 100
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "result", "progress", "finished_at"])
    return run


def _estimate_with_sensitivity(
    run: AnalysisRun, panel: pd.DataFrame, options: dict[str, Any], meta: dict[str, Any]
) -> Any:
    """The estimate, with the run's sensitivity analysis when it can be computed; when it
    cannot, the estimate alone and ``meta["sensitivity_note"]`` saying why."""
    from sustain.impact import SensitivityError, estimate

    if run.sensitivity == Sensitivity.NONE:
        return estimate(panel, **options)
    if run.base_period != BasePeriod.UNIVERSAL:
        meta["sensitivity_note"] = SENSITIVITY_NEEDS_UNIVERSAL
        return estimate(panel, **options)
    meta["sensitivity_periods"] = SENSITIVITY_PERIODS
    try:
        return estimate(
            panel,
            **options,
            sensitivity=run.sensitivity,
            sensitivity_e="avg",
            sensitivity_window=(-SENSITIVITY_PERIODS - 1, SENSITIVITY_PERIODS - 1),
        )
    except SensitivityError as exc:
        meta["sensitivity_note"] = f"Not computed: {exc}"
        return estimate(panel, **options)


def analysis_run_fail(*, run_id: int, message: str) -> bool:
    """End a run that did not finish as failed; False if it had finished already."""
    return bool(
        AnalysisRun.objects.exclude(status__in=[RunStatus.DONE, RunStatus.FAILED])
        .filter(pk=run_id)
        .update(status=RunStatus.FAILED, message=message, progress=100, finished_at=timezone.now())
    )


def analysis_run_retry(*, run: AnalysisRun, created_by: Person | None) -> AnalysisRun:
    """A new run with the settings of a failed one; the failed run stays in the history."""
    if run.status != RunStatus.FAILED:
        raise ValidationError({"status": "Only a failed analysis can be tried again."})
    return analysis_run_create(
        program=run.program,
        kpi=run.kpi,
        by=run.by,
        control=run.control,
        created_by=created_by,
        covariates=run.covariates,
        cluster=run.cluster,
        anticipation=run.anticipation,
        base_period=run.base_period,
        sensitivity=run.sensitivity,
    )


def analysis_runs_reap(*, stale_before: dt.datetime) -> int:
    """Fail the runs whose worker died: running, and silent since `stale_before`."""
    from sustain.notify.reaper import stale_jobs

    return stale_jobs("analysis.AnalysisRun", stale_before=stale_before).update(
        status=RunStatus.FAILED,
        message="The analysis stopped: the server or worker computing it was restarted. Try again.",
        progress=100,
        finished_at=timezone.now(),
    )


# The Kirkpatrick summary is recomputed in the background at most this old: the page
# shows when it was computed.
KIRKPATRICK_MAX_AGE = dt.timedelta(days=1)


def kirkpatrick_refresh(*, program: Program) -> KirkpatrickSummary:
    """Measure levels 1-3 now (slow: every rep's and manager's data) and store them."""
    levels = finite_or_none(selectors.kirkpatrick_measured(program))
    summary, _ = KirkpatrickSummary.objects.update_or_create(
        program=program, defaults={"levels": levels, "computed_at": timezone.now()}
    )
    return summary


@transaction.atomic
def kirkpatrick_request(*, program: Program, now: dt.datetime | None = None) -> KirkpatrickSummary:
    """The program's stored summary, as it is. When it was never computed or is older than
    KIRKPATRICK_MAX_AGE, a background refresh is enqueued: once per task lease however many
    pages ask (a conditional UPDATE claims it), and again after a lease if it never came."""
    from sustain.analysis.tasks import refresh_kirkpatrick

    now = now or timezone.now()
    summary, _ = KirkpatrickSummary.objects.get_or_create(program=program)
    if summary.computed_at is not None and summary.computed_at > now - KIRKPATRICK_MAX_AGE:
        return summary
    lease = now - dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    claimed = (
        KirkpatrickSummary.objects.filter(pk=summary.pk)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=lease))
        .update(requested_at=now)
    )
    if claimed:
        transaction.on_commit(lambda: refresh_kirkpatrick.enqueue(program.pk))
    return summary


def kirkpatrick_refresh_all() -> int:
    """Enqueue a refresh of every program's summary that a page has asked for once (the
    daily sweep): the figures move with coaching and refreshers, not only with events."""
    from sustain.analysis.tasks import refresh_kirkpatrick

    ids = list(KirkpatrickSummary.objects.values_list("program_id", flat=True))
    for program_id in ids:
        refresh_kirkpatrick.enqueue(program_id)
    return len(ids)
