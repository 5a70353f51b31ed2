"""Plain frozen result records. ``to_dict()`` is JSON-ready (NaN becomes None)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from sustain.impact.honest import Sensitivity


def _clean(value: Any) -> Any:
    """Recursively turn numpy scalars into Python ones and NaN/inf into None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """`_clean` of a record, typed as the record it stays."""
    return {str(k): _clean(v) for k, v in record.items()}


def _frame(rows: tuple[Any, ...] | list[Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([asdict(r) for r in rows])


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and (1 - alpha) confidence interval."""

    att: float
    se: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, Any]:
        return _clean_record(asdict(self))


@dataclass(frozen=True)
class CellEffect:
    """ATT(g, t): cohort ``group`` at period ``time`` vs ``base``; analytic SE."""

    group: float
    time: float
    base: float
    att: float
    se: float
    n_treated: int
    n_control: int


@dataclass(frozen=True)
class EventEffect:
    """Average effect ``e`` periods (time units) after training; e < 0 are placebo periods."""

    e: float
    att: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class GroupEffect:
    """Average post-training effect of one cohort."""

    group: float
    att: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class CalendarEffect:
    """Average effect in one calendar period over the cohorts already trained."""

    time: float
    att: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class PreTrendTest:
    """A joint test that the pre-training effects are zero; ``test`` says which one.

    ``pretrend`` is the project's event-study test: the Wald statistic over the pre-training
    event-study effects nearest training, with Hotelling's small-sample F p-value.
    ``pretrend_wald`` is did's test: the Wald chi-square over every pre-training ATT(g, t)."""

    stat: float
    df: int
    p_value: float
    test: str = ""

    def to_dict(self) -> dict[str, Any]:
        return _clean_record(asdict(self))


@dataclass(frozen=True)
class DecayPoint:
    """The effect at the first event time at/after ``days``, and its average from there on."""

    days: float
    e: float | None
    at: Estimate | None
    after: Estimate | None


@dataclass(frozen=True)
class Decay:
    """How the effect fades. ``faded_at_*`` is the first post-training event time from which
    every later event-study interval includes zero; None if the last one still excludes zero.
    """

    period_days: float
    points: tuple[DecayPoint, ...]
    faded_at_period: float | None
    faded_at_days: float | None
    ever_significant: bool

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["points"] = {str(int(p.days)): asdict(p) for p in self.points}
        return _clean_record(out)


@dataclass(frozen=True)
class SubgroupResult:
    """Effects for the trained units having one value of the ``by`` attribute."""

    value: str
    n_trained: int
    overall: Estimate
    event_study: tuple[EventEffect, ...]

    def to_dict(self) -> dict[str, Any]:
        return _clean_record(
            {
                "n_trained": self.n_trained,
                "overall": asdict(self.overall),
                "event_study": [asdict(e) for e in self.event_study],
            }
        )


@dataclass(frozen=True)
class Difference:
    """Subgroup ``value`` minus subgroup ``reference``; the SE includes the covariance from the
    shared comparison group."""

    value: str
    reference: str
    att: float
    se: float
    ci_low: float
    ci_high: float
    event_study: tuple[EventEffect, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["event_study"] = [asdict(e) for e in self.event_study]
        return _clean_record(out)


@dataclass(frozen=True)
class RoiResult:
    """Monetized effect against program cost. ``roi`` = (benefit - cost) / cost; ``ci`` is the
    ROI interval implied by the ATT's confidence interval."""

    benefit: float
    benefit_ci: tuple[float, float]
    cost: float
    roi: float
    ci: tuple[float, float]
    treated_periods: int

    def to_dict(self) -> dict[str, Any]:
        return _clean_record(asdict(self))


@dataclass(frozen=True)
class ImpactResult:
    """Everything ``estimate`` computes. ``band`` says whether event-study intervals are
    simultaneous ("uniform", bootstrap) or per event time ("pointwise", analytic)."""

    method: str
    control: str
    outcome: str
    n_units: int
    n_periods: int
    alpha: float
    att_gt: tuple[CellEffect, ...]
    overall: Estimate
    event_study: tuple[EventEffect, ...]
    band: str
    critical_value: float
    by_group: tuple[GroupEffect, ...]
    by_calendar: tuple[CalendarEffect, ...]
    pretrend: PreTrendTest | None
    treated_periods: int
    bootstrap: int = 0
    seed: int | None = None
    by: str | None = None
    subgroups: tuple[SubgroupResult, ...] = ()
    differences: tuple[Difference, ...] = ()
    decay: Decay | None = None
    notes: tuple[str, ...] = field(default=())
    dynamic_overall: Estimate | None = None
    group_overall: Estimate | None = None
    calendar_overall: Estimate | None = None
    pretrend_wald: PreTrendTest | None = None
    anticipation: int = 0
    base_period: str = "varying"
    bootstrap_weights: str = "rademacher"
    balance_e: float | None = None
    covariates: tuple[str, ...] = ()
    estimation: str = "dr"
    weights: str | None = None
    cluster: str | None = None
    n_clusters: int | None = None
    period: str | None = None
    labels: dict[float, str] = field(default_factory=dict)
    sensitivity: Sensitivity | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the CLI's keys."""
        out: dict[str, Any] = {
            "method": self.method,
            "control": self.control,
            "outcome": self.outcome,
            "n_units": self.n_units,
            "n_periods": self.n_periods,
            "alpha": self.alpha,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "att_gt": [
                {
                    "group": self._label(c.group),
                    "time": self._label(c.time),
                    "att": c.att,
                    "se": c.se,
                }
                for c in self.att_gt
            ],
            "overall": asdict(self.overall),
            "event_study": [asdict(e) for e in self.event_study],
            "band": self.band,
            "critical_value": self.critical_value,
            "group": [{**asdict(g), "group": self._label(g.group)} for g in self.by_group],
            "calendar": [{**asdict(c), "time": self._label(c.time)} for c in self.by_calendar],
            "period": self.period,
            "pretrend": _test(self.pretrend),
            "pretrend_wald": _test(self.pretrend_wald),
            "dynamic_overall": _maybe(self.dynamic_overall),
            "group_overall": _maybe(self.group_overall),
            "calendar_overall": _maybe(self.calendar_overall),
            "anticipation": self.anticipation,
            "base_period": self.base_period,
            "bootstrap_weights": self.bootstrap_weights,
            "balance_e": self.balance_e,
            "covariates": list(self.covariates),
            "estimation": self.estimation if self.covariates else None,
            "weights": self.weights,
            "cluster": self.cluster,
            "n_clusters": self.n_clusters,
            "treated_periods": self.treated_periods,
            "notes": list(self.notes),
            "sensitivity": None if self.sensitivity is None else self.sensitivity.to_dict(),
        }
        if self.by is not None:
            out["by_column"] = self.by
            out["by"] = {s.value: s.to_dict() for s in self.subgroups}
            diffs = [d.to_dict() for d in self.differences]
            out["difference"] = diffs[0] if len(diffs) == 1 else diffs
        if self.decay is not None:
            out["decay"] = self.decay.to_dict()
        return _clean_record(out)

    def _label(self, value: float) -> float | str:
        return self.labels.get(value, value)

    def to_frame(self, table: str = "event_study") -> pd.DataFrame:
        """One table as a DataFrame: att_gt, event_study, group, calendar, subgroups or
        differences."""
        rows: dict[str, Any] = {
            "att_gt": self.att_gt,
            "event_study": self.event_study,
            "group": self.by_group,
            "calendar": self.by_calendar,
        }
        if table == "subgroups":
            return _subgroup_frame(self.subgroups)
        if table == "differences":
            return _frame([_flat_difference(d) for d in self.differences])
        if table not in rows:
            raise ValueError(f"unknown table {table!r}; choose from {[*rows, 'subgroups']}")
        return _frame(rows[table])

    def roi(self, *, workshop_cost: float, reinforcement_cost: float = 0.0) -> RoiResult:
        """ROI of the program from the overall ATT; see ``sustain.impact.roi``."""
        from sustain.impact.roi import roi

        return roi(
            self.overall,
            treated_periods=self.treated_periods,
            workshop_cost=workshop_cost,
            reinforcement_cost=reinforcement_cost,
        )


def _test(test: PreTrendTest | None) -> dict[str, Any] | None:
    # The JSON keeps {stat, df, p_value}; which test it is, is fixed by the key.
    return None if test is None else {"stat": test.stat, "df": test.df, "p_value": test.p_value}


def _maybe(estimate: Estimate | None) -> dict[str, Any] | None:
    return None if estimate is None else asdict(estimate)


@dataclass(frozen=True)
class _FlatDifference:
    value: str
    reference: str
    att: float
    se: float
    ci_low: float
    ci_high: float


def _flat_difference(d: Difference) -> _FlatDifference:
    return _FlatDifference(d.value, d.reference, d.att, d.se, d.ci_low, d.ci_high)


def _subgroup_frame(subgroups: tuple[SubgroupResult, ...]) -> pd.DataFrame:
    import pandas as pd

    records = [{"value": s.value, **asdict(e)} for s in subgroups for e in s.event_study]
    return pd.DataFrame(records)
