"""The export files in exports/ (written as the CRMs write them) through the three paths —
the command line, the upload page and the API — which must agree."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.metrics.models import ImportJob, KpiDefinition, KpiValue
from sustain.metrics.services import import_mapping_save
from tests.conftest import Api, Cast, Login

EXPORTS = Path(__file__).parent / "exports"
# The `run` fixture: import an export file by one path ("cli", "page" or "api").
Run = Callable[[str, str, str], ImportJob]
PATHS = ["cli", "page", "api"]
MAR2, MAR9 = dt.date(2026, 3, 2), dt.date(2026, 3, 9)


@pytest.fixture
def run(
    cast: Cast,
    login: Login,
    api: Api,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Run:
    def run(path: str, name: str, source: str) -> ImportJob:
        data = (EXPORTS / name).read_bytes()
        if path == "cli":
            with contextlib.suppress(CommandError):
                call_command(
                    "import_kpis", str(EXPORTS / name), "--source", source, "--org", cast.org.slug
                )
        else:
            upload = {"file": SimpleUploadedFile(name, data), "source": source}
            with django_capture_on_commit_callbacks(execute=True):
                if path == "page":
                    login(cast.analyst).post("/metrics/import/", upload)
                else:
                    assert (
                        api(cast.analyst).client.post("/api/v1/imports", upload).status_code == 201
                    )
        return ImportJob.objects.latest("id")

    return run


def _values(cast: Cast, kpi: str) -> dict[tuple[str, dt.date], float]:
    names = {cast.rep.pk: "rita", cast.other_rep.pk: "oscar"}
    return {
        (names[v.rep_id], v.period): v.value
        for v in KpiValue.objects.filter(kpi__organization=cast.org, kpi__key=kpi)
    }


def _errors(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["value"]) for e in job.errors]


@pytest.mark.parametrize("path", PATHS)
def test_it_reads_a_salesforce_report_with_its_footer_and_dollar_amounts(
    cast: Cast, run: Run, path: str
) -> None:
    import_mapping_save(organization=cast.org, source="salesforce", columns={}, date_order="mdy")
    job = run(path, "salesforce_us_footer.csv", "salesforce")
    assert job.status == "done", job.errors
    assert _values(cast, "revenue") == {
        ("rita", MAR2): 12500,
        ("rita", MAR9): 3000,
        ("oscar", MAR2): 2000.5,
    }
    assert _values(cast, "win_rate")[("rita", MAR2)] == 0.5
    assert _values(cast, "cycle_days")[("rita", MAR2)] == 29
    assert KpiDefinition.objects.get(organization=cast.org, key="revenue").currency == "USD"
    assert any("Grand Totals" in n for n in job.preview["notes"])
    assert job.preview["skipped"][0]["count"] == 2  # the two open deals


@pytest.mark.parametrize("path", PATHS)
def test_it_counts_a_repeated_opportunity_once(cast: Cast, run: Run, path: str) -> None:
    job = run(path, "salesforce_iso_currency.csv", "salesforce")
    assert job.status == "done", job.errors
    assert _values(cast, "revenue")[("rita", MAR2)] == 12500 + 1500
    assert _values(cast, "wins")[("rita", MAR2)] == 2
    (skip,) = [s for s in job.preview["skipped"] if "repeated" in s["reason"]]
    assert (skip["count"], skip["rows"]) == (1, [3])


@pytest.mark.parametrize("path", PATHS)
def test_it_reads_a_german_export_under_its_declared_locale(
    cast: Cast, run: Run, path: str
) -> None:
    import_mapping_save(
        organization=cast.org,
        source="salesforce",
        columns={},
        number_format="1.234,56",
        date_order="dmy",
    )
    job = run(path, "salesforce_de_semicolon.csv", "salesforce")
    assert job.status == "done", job.errors
    assert _values(cast, "revenue") == {("rita", MAR2): 12500, ("oscar", MAR2): 1234.56}
    assert KpiDefinition.objects.get(organization=cast.org, key="revenue").currency == "EUR"


@pytest.mark.parametrize("path", PATHS)
def test_it_refuses_ambiguous_uk_dates_saying_where(cast: Cast, run: Run, path: str) -> None:
    job = run(path, "salesforce_uk_dates.csv", "salesforce")
    assert job.status == "failed"
    assert _errors(job) == [
        (2, "Close Date", "02/11/2026"),
        (3, "Created Date", "01/10/2026"),
        (4, "Close Date", "03/10/2026"),
    ]
    assert all("ambiguous" in e["reason"] for e in job.errors)
    assert KpiValue.objects.count() == 0


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", ["hubspot_deals.csv", "hubspot_deals.xlsx"])
def test_it_reads_hubspot_deals_in_csv_and_xlsx_in_calendar_days(
    cast: Cast, run: Run, path: str, name: str
) -> None:
    job = run(path, name, "hubspot")
    assert job.status == "done", job.errors
    assert _values(cast, "revenue") == {("rita", MAR2): 7000, ("oscar", MAR2): 2500.5}
    assert _values(cast, "win_rate")[("rita", MAR2)] == 0.5
    # Created 25 Feb 17:30, closed 3 Mar 09:00: six calendar days.
    assert _values(cast, "cycle_days")[("rita", MAR2)] == 6


@pytest.mark.parametrize("path", PATHS)
def test_it_imports_hubspot_deals_without_create_date(cast: Cast, run: Run, path: str) -> None:
    job = run(path, "hubspot_deals_no_create_date.csv", "hubspot")
    assert job.status == "done", job.errors
    assert {k["key"] for k in job.preview["kpis"]} == {"revenue", "wins", "win_rate"}
    assert any("cycle_days not computed" in n for n in job.preview["notes"])


@pytest.mark.parametrize("path", PATHS)
def test_it_reads_excel_unicode_text_keeping_header_names(cast: Cast, run: Run, path: str) -> None:
    job = run(path, "panel_wide_unicode.txt", "panel")
    assert job.status == "done", job.errors
    kpi = KpiDefinition.objects.get(organization=cast.org, key="ünïcødé_kpi")
    assert kpi.name == "ünïcødé_kpi"
    assert _values(cast, "ünïcødé_kpi") == {
        ("rita", dt.date(2026, 1, 5)): 3,
        ("oscar", dt.date(2026, 1, 5)): 4,
    }


@pytest.mark.parametrize("path", PATHS)
def test_it_reads_excels_sep_line_in_latin1(cast: Cast, run: Run, path: str) -> None:
    job = run(path, "panel_long_sep_latin1.csv", "panel")
    assert job.status == "done", job.errors
    assert KpiDefinition.objects.get(organization=cast.org, key="démos").name == "Démos"
    assert _values(cast, "revenue") == {("rita", dt.date(2026, 1, 12)): 1100}


@pytest.mark.parametrize("path", PATHS)
def test_it_reads_a_parquet_panel(cast: Cast, run: Run, path: str) -> None:
    job = run(path, "panel_long.parquet", "panel")
    assert job.status == "done", job.errors
    assert _values(cast, "revenue") == {
        ("rita", dt.date(2026, 1, 19)): 1500,
        ("oscar", dt.date(2026, 1, 19)): 900,
    }


@pytest.mark.parametrize("path", PATHS)
def test_it_refuses_a_truncated_file_saying_where(cast: Cast, run: Run, path: str) -> None:
    job = run(path, "panel_truncated.csv", "panel")
    assert job.status == "failed"
    assert _errors(job) == [(4, "wins", "")]
    assert "truncated" in job.errors[0]["reason"]
    assert KpiValue.objects.count() == 0
