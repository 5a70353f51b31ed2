from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.metrics.models import ImportJob, KpiDefinition, KpiValue
from sustain.metrics.services import kpi_import
from tests.conftest import Api, Cast, Login

IMPORTERS = ["analyst", "owner", "executive", "admin"]
READERS_ONLY = ["manager", "rep", "trainer"]


@pytest.fixture
def imported(cast: Cast, sf_csv: bytes) -> KpiDefinition:
    kpi_import(organization=cast.org, file=sf_csv, filename="o.csv", source="salesforce")
    return cast.org.kpis.get(key="revenue")


def _upload(sf_csv: bytes) -> dict[str, object]:
    return {"file": SimpleUploadedFile("opps.csv", sf_csv, "text/csv"), "source": "salesforce"}


@pytest.mark.parametrize("role", IMPORTERS)
def test_it_lets_importers_upload(
    cast: Cast,
    role: str,
    sf_csv: bytes,
    login: Login,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.by_role(role)).post("/metrics/import/", _upload(sf_csv))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "done" and job.progress == 100
    assert KpiValue.objects.count() > 0


@pytest.mark.parametrize("role", READERS_ONLY)
def test_it_forbids_others_to_upload(
    cast: Cast, role: str, sf_csv: bytes, login: Login, api: Api
) -> None:
    assert login(cast.by_role(role)).post("/metrics/import/", _upload(sf_csv)).status_code == 403
    client = api(cast.by_role(role)).client
    response = client.post("/api/v1/imports", _upload(sf_csv))
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_it_uploads_through_the_api_and_reports_rejections(
    cast: Cast,
    sf_csv: bytes,
    api: Api,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = api(cast.analyst).client
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports", _upload(sf_csv.replace(b"3000", b"abc")))
    assert response.status_code == 201
    job = api(cast.analyst).get(f"/imports/{response.json()['id']}").json()
    assert job["status"] == "failed"
    assert job["errors"] == [
        {"file": "opps.csv", "row": 4, "column": "Amount", "value": "abc", "reason": "not a number"}
    ]
    assert KpiValue.objects.count() == 0


def test_it_scopes_kpi_values_by_role(cast: Cast, imported: KpiDefinition, api: Api) -> None:
    path = f"/kpis/{imported.pk}/values"

    def reps(who: str) -> set[int]:
        return {r["rep"] for r in api(cast.by_role(who)).get(path).json()["items"]}

    assert reps("analyst") == {cast.rep.pk, cast.other_rep.pk}
    assert reps("manager") == {cast.rep.pk}
    assert reps("rep") == {cast.rep.pk}
    assert api(cast.trainer).get(path).status_code == 403
    assert api(cast.trainer).get(f"/kpis/{imported.pk}/means").status_code == 200


def test_it_hides_everything_from_outsiders(
    cast: Cast,
    imported: KpiDefinition,
    api: Api,
    login: Login,
    sf_csv: bytes,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        login(cast.analyst).post("/metrics/import/", _upload(sf_csv))
    job = ImportJob.objects.latest("id")
    outsider = api(cast.outsider)
    for path in (f"/kpis/{imported.pk}/values", f"/kpis/{imported.pk}/means", f"/imports/{job.pk}"):
        assert outsider.get(path).status_code == 404
    assert outsider.get("/kpis").json()["items"] == []
    assert login(cast.outsider).get(f"/metrics/import/{job.pk}/").status_code == 404
    assert api(cast.manager).get(f"/imports/{job.pk}").status_code == 403


def test_it_saves_mappings_and_rejects_unknown_fields(cast: Cast, api: Api) -> None:
    client = api(cast.analyst).client
    ok = client.put(
        "/api/v1/import-mappings/salesforce",
        {"columns": {"owner": "Rep Email"}},
        content_type="application/json",
    )
    assert ok.status_code == 200
    bad = client.put(
        "/api/v1/import-mappings/salesforce",
        {"columns": {"shoe": "x"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert api(cast.analyst).get("/import-mappings/salesforce").json()["columns"] == {
        "owner": "Rep Email"
    }
