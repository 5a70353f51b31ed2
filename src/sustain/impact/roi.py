"""Return on investment of a training program from its estimated effect."""

from __future__ import annotations

from sustain.impact.errors import ImpactInputError
from sustain.impact.results import Estimate, RoiResult


def roi(
    overall: Estimate,
    *,
    treated_periods: int,
    workshop_cost: float,
    reinforcement_cost: float = 0.0,
) -> RoiResult:
    """Monetize the overall ATT and compare it with the program's cost.

    The outcome must be money per rep-period (revenue or margin). The overall ATT is the
    average effect over trained rep-periods after training, so the benefit is
    ``att * treated_periods``. ROI is (benefit - cost) / cost, and its interval follows from
    the ATT's confidence interval (the map is increasing, so the endpoints carry over).
    """
    cost = float(workshop_cost) + float(reinforcement_cost)
    if cost <= 0:
        raise ImpactInputError(f"program cost must be positive, got {cost}")
    if treated_periods < 0:
        raise ImpactInputError(f"treated_periods must be >= 0, got {treated_periods}")
    benefit = overall.att * treated_periods
    low, high = overall.ci_low * treated_periods, overall.ci_high * treated_periods
    return RoiResult(
        benefit=benefit,
        benefit_ci=(low, high),
        cost=cost,
        roi=(benefit - cost) / cost,
        ci=((low - cost) / cost, (high - cost) / cost),
        treated_periods=int(treated_periods),
    )
