"""Preview, confirm, undo — on the page, the API and the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from sustain.metrics.importer import ImportRejected
from sustain.metrics.models import ImportJob, KpiDefinition, KpiValue, StagedValue
from sustain.metrics.services import import_job_apply, import_job_undo, kpi_import
from tests.conftest import Api, Cast, Login

WEEK = dt.date(2026, 1, 5)


def _csv(cast: Cast, revenue: float, wins: int = 1) -> bytes:
    return f"rep,period,revenue,wins\n{cast.rep.email},{WEEK},{revenue},{wins}\n".encode()


def _stored(kpi: str) -> float | None:
    value = KpiValue.objects.filter(kpi__key=kpi, period=WEEK).first()
    return value.value if value else None


def _import(cast: Cast, data: bytes, **kw: Any) -> ImportJob:
    return kpi_import(organization=cast.org, file=data, filename="p.csv", source="panel", **kw)


def test_it_previews_without_writing_anything(cast: Cast) -> None:
    job = _import(cast, _csv(cast, 10), dry_run=True)
    assert job.status == "preview"
    assert [(k["key"], k["rows"], k["new"], k["replaced"]) for k in job.preview["kpis"]] == [
        ("revenue", 1, 1, 0),
        ("wins", 1, 1, 0),
    ]
    assert KpiValue.objects.count() == 0 and not KpiDefinition.objects.filter(key="wins").exists()


def test_it_asks_before_replacing_and_counts_what_would_change(cast: Cast) -> None:
    _import(cast, _csv(cast, 10, wins=1))
    job = _import(cast, _csv(cast, 12, wins=1))
    assert job.status == "preview" and _stored("revenue") == 10
    counts = {k["key"]: (k["new"], k["replaced"], k["unchanged"]) for k in job.preview["kpis"]}
    assert counts == {"revenue": (0, 1, 0), "wins": (0, 0, 1)}
    with pytest.raises(ValidationError):
        import_job_apply(job=job)
    import_job_apply(job=job, replace=True)
    assert job.status == "done" and _stored("revenue") == 12


def test_it_does_not_ask_when_nothing_would_change(cast: Cast) -> None:
    _import(cast, _csv(cast, 10))
    assert _import(cast, _csv(cast, 10)).status == "done"


def test_it_undoes_an_import_restoring_what_it_replaced(cast: Cast) -> None:
    _import(cast, f"rep,period,revenue\n{cast.rep.email},{WEEK},10\n".encode())
    job = _import(cast, _csv(cast, 12, wins=3), replace=True)
    assert (_stored("revenue"), _stored("wins")) == (12, 3)
    import_job_undo(job=job)
    assert job.status == "undone"
    assert (_stored("revenue"), _stored("wins")) == (10, None)


def test_it_undoes_only_the_latest_import(cast: Cast) -> None:
    first = _import(cast, _csv(cast, 10))
    _import(cast, _csv(cast, 12), replace=True)
    with pytest.raises(ValidationError):
        import_job_undo(job=first)
    assert _stored("revenue") == 12


def test_it_keeps_nothing_staged_when_a_file_is_refused(cast: Cast) -> None:
    with pytest.raises(ImportRejected):
        _import(cast, b"rep,period,revenue\nnobody@x.example,2026-01-05,1\n")
    assert StagedValue.objects.count() == 0 and KpiValue.objects.count() == 0


def _upload(data: bytes, **extra: object) -> dict[str, object]:
    return {"file": SimpleUploadedFile("p.csv", data), "source": "panel", **extra}


def test_it_previews_applies_and_undoes_through_the_api(
    cast: Cast, api: Api, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    client = api(cast.analyst).client
    _import(cast, _csv(cast, 10))
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/imports", _upload(_csv(cast, 12), dry_run="true"))
    job = api(cast.analyst).get(f"/imports/{created.json()['id']}").json()
    assert job["status"] == "preview" and job["preview"]["kpis"][0]["replaced"] == 1
    apply = f"/api/v1/imports/{job['id']}/apply"
    refused = client.post(apply, {}, content_type="application/json")
    assert refused.status_code == 400 and "replace" in refused.json()["errors"]
    done = client.post(apply, {"replace": True}, content_type="application/json")
    assert done.json()["status"] == "done" and _stored("revenue") == 12
    undone = client.post(f"/api/v1/imports/{job['id']}/undo")
    assert undone.json()["status"] == "undone" and _stored("revenue") == 10


def test_it_hides_apply_and_undo_from_outsiders(cast: Cast, api: Api, login: Login) -> None:
    job = _import(cast, _csv(cast, 10), dry_run=True)
    client = api(cast.outsider).client
    assert client.post(f"/api/v1/imports/{job.pk}/apply", {}, "application/json").status_code == 404
    assert client.post(f"/api/v1/imports/{job.pk}/undo").status_code == 404
    assert login(cast.outsider).post(f"/metrics/import/{job.pk}/apply/").status_code == 404
    assert api(cast.rep).client.post(f"/api/v1/imports/{job.pk}/undo").status_code == 403


def test_it_confirms_and_undoes_on_the_page(
    cast: Cast, login: Login, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _import(cast, _csv(cast, 10))
    browser = login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/metrics/import/", _upload(_csv(cast, 12)))
    job = ImportJob.objects.latest("id")
    page = browser.get(f"/metrics/import/{job.pk}/").content.decode()
    assert "Replace the 1 value already stored" in page and 'id="preview"' in page
    assert browser.post(f"/metrics/import/{job.pk}/apply/").status_code == 400
    browser.post(f"/metrics/import/{job.pk}/apply/", {"replace": "on"})
    assert _stored("revenue") == 12
    browser.post(f"/metrics/import/{job.pk}/undo/")
    assert _stored("revenue") == 10


def test_it_shows_expected_columns_and_serves_templates(cast: Cast, login: Login) -> None:
    browser = login(cast.analyst)
    page = browser.get("/metrics/import/").content.decode()
    assert "Opportunity Owner" in page and "Deal owner email" in page
    template = browser.get("/metrics/import/template/hubspot.csv")
    assert template.content.decode().startswith("Record ID,Deal Name,Deal Stage")


def test_it_edits_a_mapping_on_its_page(cast: Cast, login: Login) -> None:
    browser = login(cast.analyst)
    browser.post(
        "/metrics/mappings/salesforce/",
        {"number_format": "1.234,56", "date_order": "dmy", "col_owner": "Rep Email"},
    )
    data = b"Rep Email,Stage,Amount,Close Date\n" + cast.rep.email.encode()
    data += b',Closed Won,"1.500,50",05/01/2026\n'
    kpi_import(organization=cast.org, file=data, filename="o.csv", source="salesforce")
    assert _stored("revenue") == 1500.5
    assert login(cast.rep).get("/metrics/mappings/salesforce/").status_code == 403


def test_it_previews_applies_and_undoes_from_the_command_line(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(_csv(cast, 10))
    call_command("import_kpis", str(path), "--org", cast.org.slug, "--dry-run")
    assert "Dry run" in capsys.readouterr().out and KpiValue.objects.count() == 0
    job = ImportJob.objects.latest("id")
    call_command("import_kpis", "--apply", str(job.pk))
    path.write_bytes(_csv(cast, 12))
    with pytest.raises(CommandError, match="would be replaced"):
        call_command("import_kpis", str(path), "--org", cast.org.slug)
    call_command("import_kpis", str(path), "--org", cast.org.slug, "--replace")
    assert _stored("revenue") == 12
    call_command("import_kpis", "--undo", str(ImportJob.objects.latest("id").pk))
    assert _stored("revenue") == 10


def test_it_lists_at_most_n_errors_on_the_command_line(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = dt.date(2020, 1, 6)
    rows = "".join(f"{cast.rep.email},{day + dt.timedelta(days=i)},x{i}\n" for i in range(500))
    path = tmp_path / "bad.csv"
    path.write_text("rep,period,revenue\n" + rows)
    with pytest.raises(CommandError, match="500 error"):
        call_command("import_kpis", str(path), "--org", cast.org.slug, "--max-errors", "5")
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 6 and lines[-1] == "... and 495 more."


def test_it_queues_imports_ahead_of_mail(cast: Cast, settings: Settings) -> None:
    from django_tasks_db.models import DBTaskResult

    from sustain.metrics.tasks import run_import
    from sustain.notify.tasks import deliver_outbox

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}
    }
    for _ in range(3):
        deliver_outbox.enqueue()
    run_import.enqueue(1)
    first = DBTaskResult.objects.ready().first()
    assert first is not None
    assert first.queue_name == "imports" and first.task_path.endswith("run_import")


def test_it_rolls_back_a_swap_that_fails_halfway(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sustain.metrics import services

    _import(cast, f"rep,period,revenue\n{cast.rep.email},{WEEK},10\n".encode())
    monkeypatch.setattr(services, "SWAP_CHUNK", 1)
    real = services._swap_chunk
    calls = []

    def failing(job: ImportJob, low: int, high: int) -> None:
        calls.append(low)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(job, low, high)

    monkeypatch.setattr(services, "_swap_chunk", failing)
    with pytest.raises(RuntimeError):
        _import(cast, _csv(cast, 12, wins=3), replace=True)
    assert (_stored("revenue"), _stored("wins")) == (10, None)
    assert ImportJob.objects.latest("id").status == "failed"


def test_it_rolls_back_a_swap_left_by_a_crash(cast: Cast) -> None:
    from sustain.metrics import services

    _import(cast, f"rep,period,revenue\n{cast.rep.email},{WEEK},10\n".encode())
    job = _import(cast, _csv(cast, 12, wins=3), replace=True)
    # As if the process died after the swap's chunks but before it finished.
    assert job.applied_at is not None
    ImportJob.objects.filter(pk=job.pk).update(
        status="applying", heartbeat_at=job.applied_at - services.STALE_SWAP * 2
    )
    assert services.import_jobs_recover() == 1
    assert (_stored("revenue"), _stored("wins")) == (10, None)
