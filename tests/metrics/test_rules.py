"""Nothing wrong is stored: every doubtful value is a row error with its row and column."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sustain.metrics.importer import ImportRejected, Settings
from sustain.metrics.models import ImportJob, KpiDefinition, KpiValue, StagedValue
from sustain.metrics.services import kpi_import
from tests.conftest import Cast


def _panel(cast: Cast, body: str, **settings: Any) -> ImportJob:
    data = body.format(rep=cast.rep.email).encode()
    return kpi_import(
        organization=cast.org,
        file=data,
        filename="p.csv",
        source="panel",
        mapping=Settings(**settings) if settings else None,
    )


def _refused(cast: Cast, body: str, source: str = "panel") -> list[tuple[int, str, str, str]]:
    data = body.format(rep=cast.rep.email).encode()
    with pytest.raises(ImportRejected) as info:
        kpi_import(organization=cast.org, file=data, filename="p.csv", source=source)
    assert KpiValue.objects.count() == 0 and StagedValue.objects.count() == 0
    return [(e.row, e.column, e.value, e.reason) for e in info.value.errors]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12,5", "ambiguous"),
        ("1.234,56", "ambiguous"),
        ("NaN", "no value"),
        ("nan", "no value"),
        ("", "no value"),
        ("inf", "not a finite number"),
        ("1e309", "overflow"),
        ("-5", "below the minimum"),
    ],
)
def test_it_refuses_values_it_cannot_store_truthfully(cast: Cast, value: str, reason: str) -> None:
    ((row, column, _value, why),) = _refused(
        cast, f'rep,period,revenue\n{{rep}},2026-01-05,"{value}"\n'
    )
    assert (row, column) == (2, "revenue") and reason in why


def test_it_skips_and_counts_blanks_when_the_mapping_says_they_mean_no_data(cast: Cast) -> None:
    job = _panel(
        cast,
        "rep,period,revenue,wins\n{rep},2026-01-05,,1\n{rep},2026-01-12,NaN,2\n",
        blanks_are_no_data=True,
    )
    assert job.status == "done"
    assert KpiValue.objects.filter(kpi__key="revenue").count() == 0
    revenue = next(k for k in job.preview["kpis"] if k["key"] == "wins")
    assert revenue["rows"] == 2
    assert job.preview["skipped"] == [
        {"reason": "revenue: blank (no data)", "count": 2, "rows": [2, 3]}
    ]


def test_it_applies_a_kpis_own_range(cast: Cast) -> None:
    KpiDefinition.objects.create(
        organization=cast.org, key="nps", name="NPS", min_value=-100, max_value=100
    )
    assert _refused(cast, "rep,period,NPS\n{rep},2026-01-05,120\n")[0][3].startswith("above")
    assert _panel(cast, "rep,period,NPS\n{rep},2026-01-05,-40\n").status == "done"


def test_it_allows_negative_revenue_only_when_the_kpi_does(cast: Cast) -> None:
    assert _refused(cast, "rep,period,revenue\n{rep},2026-01-05,-5\n")
    KpiDefinition.objects.create(
        organization=cast.org, key="revenue", name="Revenue", unit="currency", allow_negative=True
    )
    assert _panel(cast, "rep,period,revenue\n{rep},2026-01-05,-5\n").status == "done"


def test_it_refuses_periods_outside_the_sane_window(cast: Cast) -> None:
    late = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    errors = _refused(cast, f"rep,period,revenue\n{{rep}},1989-12-25,1\n{{rep}},{late},1\n")
    assert [(r, c) for r, c, _v, _w in errors] == [(2, "period"), (3, "period")]


def test_it_refuses_a_duplicated_header_instead_of_inventing_a_kpi(cast: Cast) -> None:
    errors = _refused(cast, "rep,period,revenue,revenue\n{rep},2026-01-05,1,2\n")
    assert errors[0][:2] == (1, "revenue") and "duplicate" in errors[0][3]
    assert not KpiDefinition.objects.filter(key__startswith="revenue_").exists()


def test_it_refuses_a_won_deal_without_an_amount(cast: Cast) -> None:
    body = "Owner Email,Stage,Amount,Close Date,Created Date\n{rep},Closed Won,,2026-03-02,2026-02-01\n"
    ((row, column, _v, why),) = _refused(cast, body, "salesforce")
    assert (row, column) == (2, "Amount") and "no value" in why


def test_it_refuses_a_file_of_open_deals_only(cast: Cast) -> None:
    body = "Owner Email,Stage,Amount,Close Date,Created Date\n{rep},Prospecting,5,2026-03-02,2026-02-01\n"
    ((_row, column, _v, why),) = _refused(cast, body, "salesforce")
    assert column == "Stage" and "no closed deal" in why


def test_it_refuses_a_currency_other_than_the_kpis(cast: Cast) -> None:
    KpiDefinition.objects.create(
        organization=cast.org, key="revenue", name="Revenue", unit="currency", currency="EUR"
    )
    body = "Owner Email,Stage,Amount,Close Date\n{rep},Closed Won,USD 5.00,2026-03-02\n"
    ((row, column, _v, why),) = _refused(cast, body, "salesforce")
    assert (row, column) == (2, "Amount") and "EUR" in why
