from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sustain.metrics.importer import ImportRejected, Settings
from sustain.metrics.models import KpiValue
from sustain.metrics.services import kpi_import
from tests.conftest import Cast


def _values(kpi: str) -> dict[tuple[int, dt.date], float]:
    return {(v.rep_id, v.period): v.value for v in KpiValue.objects.filter(kpi__key=kpi)}


def test_it_turns_a_salesforce_export_into_weekly_measures(cast: Cast, sf_csv: bytes) -> None:
    kpi_import(organization=cast.org, file=sf_csv, filename="opps.csv", source="salesforce")
    week = dt.date(2026, 3, 2)
    assert _values("revenue")[(cast.rep.pk, week)] == 1000
    assert _values("wins")[(cast.rep.pk, week)] == 1
    assert _values("win_rate")[(cast.rep.pk, week)] == 0.5
    assert _values("cycle_days")[(cast.rep.pk, week)] == 29
    assert _values("revenue")[(cast.rep.pk, dt.date(2026, 3, 9))] == 3000
    assert _values("revenue")[(cast.other_rep.pk, week)] == 2000


def test_it_reads_a_hubspot_export_matching_owners_by_name(cast: Cast) -> None:
    data = (
        b"Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\n"
        b"1,X,Closed won,700,2026-03-03 10:00,2026-02-27 09:00,Rita Rep\n"
    )
    kpi_import(organization=cast.org, file=data, filename="deals.csv", source="hubspot")
    assert _values("revenue") == {(cast.rep.pk, dt.date(2026, 3, 2)): 700}


def test_it_imports_wide_and_long_panels_csv_and_parquet(cast: Cast) -> None:
    wide = pd.DataFrame(
        {
            "rep": [cast.rep.email, cast.other_rep.external_id or cast.other_rep.email],
            "period": ["2026-01-05", "2026-01-05"],
            "revenue": [10.0, 20.0],
            "calls": [3, None],
        }
    )
    buf = io.BytesIO()
    wide.to_parquet(buf)
    kpi_import(
        organization=cast.org,
        file=buf.getvalue(),
        filename="p.parquet",
        source="panel",
        fmt="wide",
        mapping=Settings(blanks_are_no_data=True),
    )
    assert len(_values("revenue")) == 2 and len(_values("calls")) == 1
    long = f"rep,period,kpi,value\n{cast.rep.email},2026-01-12,revenue,11\n".encode()
    kpi_import(organization=cast.org, file=long, filename="l.csv", source="panel")
    assert _values("revenue")[(cast.rep.pk, dt.date(2026, 1, 12))] == 11


def test_it_replaces_on_reimport_and_never_duplicates(cast: Cast, sf_csv: bytes) -> None:
    kpi_import(organization=cast.org, file=sf_csv, filename="opps.csv", source="salesforce")
    count = KpiValue.objects.count()
    changed = sf_csv.replace(b"Closed Won,1000", b"Closed Won,1500")
    job = kpi_import(organization=cast.org, file=changed, filename="opps.csv", source="salesforce")
    assert (
        job.status == "preview" and _values("revenue")[(cast.rep.pk, dt.date(2026, 3, 2))] == 1000
    )
    kpi_import(
        organization=cast.org, file=changed, filename="opps.csv", source="salesforce", replace=True
    )
    assert KpiValue.objects.count() == count
    assert _values("revenue")[(cast.rep.pk, dt.date(2026, 3, 2))] == 1500


@pytest.mark.parametrize(
    ("body", "row", "column", "value", "reason"),
    [
        (
            "rep,period,kpi,value\n{rep},2026-01-05,revenue,1\nnobody@x.example,2026-01-05,revenue,2\n",
            3,
            "rep",
            "nobody@x.example",
            "unknown rep",
        ),
        (
            "rep,period,kpi,value\n{rep},2026-01-05,revenue,1\n{rep},2026-01-12,revenue,lots\n",
            3,
            "value",
            "lots",
            "not a number",
        ),
        (
            "rep,period,kpi,value\n{rep},2026-01-05,revenue,1\n{rep},not-a-date,revenue,2\n",
            3,
            "period",
            "not-a-date",
            "not a date",
        ),
        ("rep,kpi,value\n{rep},revenue,1\n", 1, "period", "", "missing column"),
    ],
)
def test_it_rejects_bad_rows_and_writes_nothing(
    cast: Cast, body: str, row: int, column: str, value: str, reason: str
) -> None:
    data = body.format(rep=cast.rep.email).encode()
    with pytest.raises(ImportRejected) as info:
        kpi_import(organization=cast.org, file=data, filename="bad.csv", source="panel")
    (error,) = info.value.errors
    assert (error.file, error.row, error.value) == ("bad.csv", row, value)
    assert column in error.column and reason in error.reason
    assert KpiValue.objects.count() == 0


def test_it_reports_every_rejected_row(cast: Cast) -> None:
    data = (
        f"rep,period,kpi,value\na@x,2026-01-05,revenue,1\n{cast.rep.email},2026-01-05,"
        "revenue,x\nb@x,2026-01-05,revenue,2\n"
    ).encode()
    with pytest.raises(ImportRejected) as info:
        kpi_import(organization=cast.org, file=data, filename="bad.csv", source="panel")
    assert [e.row for e in info.value.errors] == [2, 3, 4]


def test_it_rejects_a_bad_salesforce_date(cast: Cast, sf_csv: bytes) -> None:
    bad = sf_csv.replace(b"2026-03-10", b"someday")
    with pytest.raises(ImportRejected) as info:
        kpi_import(organization=cast.org, file=bad, filename="o.csv", source="salesforce")
    assert [(e.row, e.column, e.value) for e in info.value.errors] == [(4, "Close Date", "someday")]
    assert KpiValue.objects.count() == 0


def test_it_uses_the_saved_mapping(cast: Cast) -> None:
    from sustain.metrics.services import import_mapping_save

    import_mapping_save(
        organization=cast.org, source="panel", columns={"rep": "Seller", "period": "Week"}
    )
    data = f"Seller,Week,revenue\n{cast.rep.email},2026-01-05,5\n".encode()
    kpi_import(organization=cast.org, file=data, filename="m.csv", source="panel", fmt="wide")
    assert list(_values("revenue").values()) == [5]


def test_it_imports_from_the_command(
    cast: Cast, sf_csv: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "opps.csv"
    path.write_bytes(sf_csv)
    call_command("import_kpis", str(path), "--source", "salesforce", "--org", cast.org.slug)
    assert "Imported" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(sf_csv.replace(b"3000", b"abc"))
    with pytest.raises(CommandError):
        call_command("import_kpis", str(bad), "--source", "salesforce", "--org", cast.org.slug)
