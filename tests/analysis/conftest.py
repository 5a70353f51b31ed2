from __future__ import annotations

import datetime as dt

import pytest

from sustain.metrics.models import KpiDefinition, KpiValue
from sustain.metrics.services import _ensure_kpis
from sustain.programs.models import Enrollment
from tests.conftest import Cast


@pytest.fixture
def revenue(cast: Cast) -> KpiDefinition:
    """12 weekly periods; the rep is trained in week 6 and gains 100 a week."""
    kpi_id = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    start = dt.date(2026, 1, 5)
    Enrollment.objects.filter(program=cast.program, person=cast.rep).update(
        trained_on=start + dt.timedelta(weeks=6)
    )
    rows = []
    for week in range(12):
        period = start + dt.timedelta(weeks=week)
        for rep, lift in ((cast.rep, 100.0 if week >= 6 else 0.0), (cast.other_rep, 0.0)):
            rows.append(
                KpiValue(rep=rep, period=period, kpi_id=kpi_id, value=1000 + 10 * week + lift)
            )
    KpiValue.objects.bulk_create(rows)
    return cast.program.organization.kpis.get(key="revenue")
