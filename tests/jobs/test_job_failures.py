"""Every background job ends: whatever goes wrong, its record says failed with a message a
person can act on, and the page offers to try again."""

from __future__ import annotations

import logging
from typing import NoReturn

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyarrow.lib import ArrowInvalid
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from sustain.analysis import services as analysis_services
from sustain.analysis.models import AnalysisRun
from sustain.metrics import importer
from sustain.metrics.models import ImportJob
from sustain.metrics.services import _ensure_kpis
from sustain.orgs.models import Person
from tests.conftest import Api, Cast, Login


def _upload(
    login: Login,
    person: Person,
    name: str,
    body: bytes,
    on_commit: DjangoCaptureOnCommitCallbacks,
    source: str = "panel",
) -> ImportJob:
    with on_commit(execute=True):
        response = login(person).post(
            "/metrics/import/",
            {"file": SimpleUploadedFile(name, body), "source": source, "format": ""},
        )
    assert response.status_code == 302
    return ImportJob.objects.get()


def _reader_raises(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    """Make the file reader fail the way no one planned for."""

    def explode(*args: object, **kwargs: object) -> NoReturn:
        raise exc

    monkeypatch.setattr(importer, "parse_file", explode)


def test_it_ends_an_import_of_a_file_that_is_not_parquet(
    cast: Cast, login: Login, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    job = _upload(
        login,
        cast.analyst,
        "panel.parquet",
        b"rep,period\nx,y\n",
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.status == "failed" and job.progress == 100


def test_it_fails_an_import_whatever_the_reader_raises(
    cast: Cast,
    login: Login,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _reader_raises(monkeypatch, ArrowInvalid("Parquet magic bytes not found in footer"))
    with caplog.at_level(logging.ERROR):
        job = _upload(
            login, cast.analyst, "panel.parquet", b"PAR1", django_capture_on_commit_callbacks
        )
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.progress == 100
    assert "could not be read" in job.message and "ArrowInvalid" in job.message
    assert "Traceback" in caplog.text  # logged with its traceback for the operator

    page = login(cast.analyst).get(f"/metrics/import/{job.pk}/", headers={"HX-Request": "true"})
    body = page.content.decode()
    assert "could not be read" in body
    assert "hx-trigger" not in body  # polling stops
    assert f"/metrics/import/{job.pk}/retry/" in body


def test_it_tries_a_failed_import_again(
    cast: Cast,
    login: Login,
    sf_csv: bytes,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as m:
        _reader_raises(m, RuntimeError("disk on fire"))
        job = _upload(
            login, cast.analyst, "sf.csv", sf_csv, django_capture_on_commit_callbacks, "salesforce"
        )
    job.refresh_from_db()
    assert job.status == "failed" and "RuntimeError" in job.message

    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.analyst).post(f"/metrics/import/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.values_written > 0 and job.message == ""
    assert login(cast.analyst).post(f"/metrics/import/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.status == "done"  # a second click changes nothing


def test_it_lets_only_importers_try_again(
    cast: Cast,
    login: Login,
    api: Api,
    sf_csv: bytes,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _reader_raises(monkeypatch, ArrowInvalid("not Parquet"))
    job = _upload(login, cast.analyst, "x.parquet", b"nope", django_capture_on_commit_callbacks)
    assert login(cast.manager).post(f"/metrics/import/{job.pk}/retry/").status_code == 403
    assert login(cast.outsider).post(f"/metrics/import/{job.pk}/retry/").status_code == 404
    assert api(cast.outsider).post(f"/imports/{job.pk}/retry").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast.analyst).post(f"/imports/{job.pk}/retry")
    assert response.status_code == 200 and response.json()["status"] == "queued"
    again = api(cast.analyst).get(f"/imports/{job.pk}").json()
    assert again["status"] == "failed"  # the same file fails again, clearly
    assert "could not be read" in again["message"]


def test_it_fails_an_analysis_on_any_error(
    cast: Cast,
    login: Login,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kpi = cast.org.kpis.get(pk=_ensure_kpis(cast.org, ["revenue"])["revenue"])

    def explode(**kwargs: object) -> NoReturn:
        raise MemoryError("out of memory")

    monkeypatch.setattr(analysis_services, "build_panel", explode)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        run = analysis_services.analysis_run_create(program=cast.program, kpi=kpi)
    run.refresh_from_db()
    assert run.status == "failed" and run.progress == 100
    assert "MemoryError" in run.message and "Try again" in run.message
    assert "Traceback" in caplog.text

    url = f"/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/"
    body = login(cast.analyst).get(url).content.decode()
    assert "MemoryError" in body
    assert "Try again" in body


def test_it_tries_a_failed_analysis_again_with_the_same_settings(
    cast: Cast, login: Login, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    kpi = cast.org.kpis.get(pk=_ensure_kpis(cast.org, ["revenue"])["revenue"])
    failed = AnalysisRun.objects.create(
        program=cast.program, kpi=kpi, control="notyet", status="failed", message="boom"
    )
    url = f"/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/runs/{failed.pk}/retry/"
    assert login(cast.rep).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.analyst).post(url)
    assert response.status_code == 302
    again = AnalysisRun.objects.exclude(pk=failed.pk).get()
    assert again.control == "notyet"
    assert response["Location"].endswith(f"?run={again.pk}")


def test_it_tries_a_failed_analysis_again_through_the_api(cast: Cast, api: Api) -> None:
    kpi = cast.org.kpis.get(pk=_ensure_kpis(cast.org, ["revenue"])["revenue"])
    failed = AnalysisRun.objects.create(
        program=cast.program, kpi=kpi, by="", status="failed", message="boom"
    )
    assert api(cast.rep).post(f"/analyses/{failed.pk}/retry").status_code == 403
    assert api(cast.outsider).post(f"/analyses/{failed.pk}/retry").status_code == 404
    response = api(cast.analyst).post(f"/analyses/{failed.pk}/retry")
    assert response.status_code == 201 and response.json()["id"] != failed.pk
    done = AnalysisRun.objects.create(program=cast.program, kpi=kpi, status="done")
    assert api(cast.analyst).post(f"/analyses/{done.pk}/retry").status_code == 400


def test_it_polls_a_running_analysis_through_a_light_fragment(
    cast: Cast, login: Login, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    kpi = cast.org.kpis.get(pk=_ensure_kpis(cast.org, ["revenue"])["revenue"])
    run = AnalysisRun.objects.create(program=cast.program, kpi=kpi, status="running", progress=40)
    page = f"/analysis/programs/{cast.program.pk}/kpis/{kpi.pk}/"
    client = login(cast.trainer)
    progress_url = f"{page}runs/{run.pk}/progress/"
    assert f'hx-get="{progress_url}"' in client.get(page).content.decode()

    with django_assert_max_num_queries(4):
        response = client.get(progress_url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "40%" in body and 'hx-trigger="load delay:1s"' in body
    assert "Kirkpatrick" not in body and "HX-Redirect" not in response.headers

    AnalysisRun.objects.filter(pk=run.pk).update(status="failed", progress=100, message="x")
    response = client.get(progress_url, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"{page}?run={run.pk}"
    assert "hx-trigger" not in response.content.decode()  # polling stops
    assert login(cast.outsider).get(progress_url).status_code == 404
