"""Hypothesis against the readers: any bytes, and CSV-shaped files built from the values
real exports contain, are either read or refused with located errors — never a crash, and a
refused file leaves the store as it was."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sustain.lib import tabular
from sustain.metrics import importer
from sustain.metrics.importer import ImportRejected
from sustain.metrics.models import KpiValue, StagedValue
from sustain.metrics.services import kpi_import
from tests.conftest import Cast

TRICKY = [
    "",
    " ",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "12,5",
    "1.234,56",
    "$12,500.00",
    "USD 1,000.00",
    "(5)",
    "-3",
    "0",
    "02/11/2026",
    "2026-02-30",
    "2026-03-02",
    "3/15/2026",
    "Closed Won",
    "Closed Lost",
    "Prospecting",
    '"',
    "\x00",
    "ünïcødé",
    "sep=;",
    "Grand Totals (3 records)",
    "rita.rep@acme-corp.example",
    "Rita Rep",
]
HEADERS = [
    "rep",
    "period",
    "kpi",
    "value",
    "revenue",
    "wins",
    "Owner Email",
    "Stage",
    "Amount",
    "Close Date",
    "Created Date",
    "Opportunity ID",
    "Deal owner",
    "Deal Stage",
    "Create Date",
    "Record ID",
]
cells = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7))
    rows = draw(
        st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), min_size=0, max_size=8)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from(",;\t")))
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):
        text += "\n\n" + draw(st.sampled_from(TRICKY)) + "\n"
    return text.encode(
        draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"])), "replace"
    )


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".parquet", ".txt"]))
def test_it_reads_or_refuses_any_bytes(data: bytes, suffix: str) -> None:
    try:
        tabular.read_table(data, f"f{suffix}")
    except tabular.Rejected as exc:
        assert exc.total >= 1 and all(e.file == f"f{suffix}" for e in exc.errors)


@settings(max_examples=300, deadline=None)
@given(data=csv_files(), source=st.sampled_from(["panel", "salesforce", "hubspot"]))
def test_it_parses_or_refuses_export_shaped_files(data: bytes, source: str) -> None:
    reps = importer.RepLookup([(1, "rita.rep@acme-corp.example", "", "Rita Rep")])
    try:
        parsed = importer.parse_file(
            data,
            filename="f.csv",
            source=source,
            fmt=None,
            settings=importer.Settings(),
            reps=reps,
            kpis={},
            today=__import__("datetime").date(2026, 11, 28),
        )
    except ImportRejected as exc:
        assert exc.errors and all(e.row >= 0 for e in exc.errors)
    else:
        values = parsed.frame["value"]
        assert values.notna().all() and (values.abs() < float("inf")).all()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=csv_files(), source=st.sampled_from(["panel", "salesforce", "hubspot"]))
def test_it_never_writes_part_of_a_refused_file(cast: Cast, data: bytes, source: str) -> None:
    before = sorted(KpiValue.objects.values_list("rep_id", "period", "kpi_id", "value"))
    try:
        kpi_import(organization=cast.org, file=data, filename="f.csv", source=source, replace=True)
    except ImportRejected:
        after = sorted(KpiValue.objects.values_list("rep_id", "period", "kpi_id", "value"))
        assert after == before
        assert not StagedValue.objects.filter(job__status="failed").exists()
