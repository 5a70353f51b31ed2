"""Sustain's impact engine: staggered difference-in-differences (Callaway & Sant'Anna 2021).

Pure Python (numpy, scipy; pandas/pyarrow only for tables and files), no Django. Start with
``estimate``; see docs/impact.md.
"""

from __future__ import annotations

from sustain.impact.errors import ImpactInputError
from sustain.impact.estimate import estimate
from sustain.impact.honest import Sensitivity, SensitivityError, SensitivityRow
from sustain.impact.results import (
    CalendarEffect,
    CellEffect,
    Decay,
    DecayPoint,
    Difference,
    Estimate,
    EventEffect,
    GroupEffect,
    ImpactResult,
    PreTrendTest,
    RoiResult,
    SubgroupResult,
)
from sustain.impact.roi import roi

__all__ = [
    "CalendarEffect",
    "CellEffect",
    "Decay",
    "DecayPoint",
    "Difference",
    "Estimate",
    "EventEffect",
    "GroupEffect",
    "ImpactInputError",
    "ImpactResult",
    "PreTrendTest",
    "RoiResult",
    "Sensitivity",
    "SensitivityError",
    "SensitivityRow",
    "SubgroupResult",
    "estimate",
    "roi",
]
