"""The organization export: one zip, a CSV per table and a manifest; admins only; nothing
of another organization and no secrets; and it round-trips through the imports."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from sustain.exports.exporter import describe, organization_export
from sustain.metrics.models import KpiValue
from sustain.metrics.services import kpi_import
from sustain.notify import services as notify_services
from sustain.notify.services import outbox_enqueue
from sustain.orgs import services as org_services
from sustain.orgs.models import ApiToken, Organization, Person, Region, Team
from sustain.roster.services import roster_import
from tests.conftest import Api, Cast, Login
from tests.helpers import streamed

PANEL = (
    "rep,period,revenue,calls\n"
    "rita.rep@acme-corp.example,2026-01-05,1200,30\n"
    "rita.rep@acme-corp.example,2026-01-12,900,28\n"
    "oscar.otherrep@acme-corp.example,2026-01-05,1500,31\n"
)


@pytest.fixture
def kpis(cast: Cast) -> Cast:
    kpi_import(organization=cast.org, file=PANEL.encode(), filename="panel.csv", source="panel")
    return cast


def _zip(cast: Cast) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    organization_export(organization=cast.org, out=buffer)
    return zipfile.ZipFile(buffer)


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def test_the_manifest_counts_every_file_of_the_zip(kpis: Cast) -> None:
    archive = _zip(kpis)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["organization"]["slug"] == "acme-corp"
    files = {t["file"]: t for t in manifest["tables"]}
    assert set(files) | {"manifest.json"} == set(archive.namelist())
    for name, table in files.items():
        assert len(_rows(archive, name)) == table["rows"], name
    assert files["people.csv"]["rows"] == Person.objects.filter(organization=kpis.org).count()
    assert files["kpi_values.csv"]["rows"] == 6
    assert files["programs_enrollment.csv"]["rows"] == 3


def test_it_holds_nothing_of_another_organization_and_no_secrets(kpis: Cast) -> None:
    raw = org_services.api_token_create(person=kpis.admin)
    channel = notify_services.channel_create(
        by=kpis.admin, kind="slack", target="https://hooks.slack.com/services/T0/B0/s3cr3t"
    )
    outbox_enqueue(
        recipient=kpis.rep,
        subject="Set your password",
        body="https://sustain.example/set-password/one-time-link-abc123/",
    )
    archive = _zip(kpis)
    text = "\n".join(archive.read(n).decode() for n in archive.namelist())
    assert "Globex" not in text and kpis.outsider.email not in text
    assert "one-time-link-abc123" not in text
    assert Person.objects.get(pk=kpis.admin.pk).password not in text
    assert raw not in text and ApiToken.objects.get().digest not in text
    assert "s3cr3t" not in text and channel.secret not in text
    assert "password" not in _rows(archive, "people.csv")[0]
    assert not any(k in n for n in archive.namelist() for k in ("apitoken", "outbox", "channel"))


def test_people_csv_names_teams_regions_and_managers(kpis: Cast) -> None:
    people = {r["email"]: r for r in _rows(_zip(kpis), "people.csv")}
    rita = people[kpis.rep.email]
    assert (rita["team"], rita["region"], rita["manager_email"]) == (
        "West 1",
        "West",
        kpis.manager.email,
    )
    assert rita["hire_date"] == "2024-03-01" and rita["is_active"] == "true"


@pytest.mark.django_db(transaction=True)
def test_it_round_trips_through_an_empty_database(kpis: Cast, tmp_path: Path) -> None:
    archive = _zip(kpis)
    counts = {
        "people": Person.objects.filter(organization=kpis.org).count(),
        "teams": Team.objects.filter(organization=kpis.org).count(),
        "regions": Region.objects.filter(organization=kpis.org).count(),
        "kpi_values": KpiValue.objects.filter(kpi__organization=kpis.org).count(),
    }
    managers = dict(
        Team.objects.filter(organization=kpis.org).values_list("name", "manager__email")
    )
    call_command("flush", interactive=False, verbosity=0)
    assert not Person.objects.exists() and not Organization.objects.exists()
    org = org_services.organization_create(name="Acme Corp")
    roster_import(organization=org, data=archive.read("people.csv"), filename="people.csv")
    kpi_import(
        organization=org,
        file=archive.read("kpi_values.csv"),
        filename="kpi_values.csv",
        source="panel",
        fmt="long",
    )
    assert counts == {
        "people": Person.objects.filter(organization=org).count(),
        "teams": Team.objects.filter(organization=org).count(),
        "regions": Region.objects.filter(organization=org).count(),
        "kpi_values": KpiValue.objects.filter(kpi__organization=org).count(),
    }
    assert managers == dict(
        Team.objects.filter(organization=org).values_list("name", "manager__email")
    )


def test_an_admin_downloads_it_from_the_page_and_the_api(
    login: Login, api: Api, kpis: Cast
) -> None:
    page = login(kpis.admin).get(reverse("exports:page"))
    assert "people.csv" in page.content.decode()
    download = login(kpis.admin).get(reverse("exports:download"))
    assert download["Content-Type"] == "application/zip"
    assert "people.csv" in zipfile.ZipFile(io.BytesIO(streamed(download))).namelist()
    response = api(kpis.admin).get("/export")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    names = zipfile.ZipFile(io.BytesIO(streamed(response))).namelist()
    assert "manifest.json" in names


def test_only_admins_export(login: Login, api: Api, kpis: Cast) -> None:
    for person in (kpis.executive, kpis.owner, kpis.analyst, kpis.manager, kpis.rep):
        assert login(person).get(reverse("exports:download")).status_code == 403
        assert api(person).get("/export").status_code == 403


def test_the_command_writes_the_zip(kpis: Cast, tmp_path: Path) -> None:
    out = tmp_path / "acme.zip"
    stdout = io.StringIO()
    call_command("export", str(out), "--org", str(kpis.org.pk), stdout=stdout)
    assert "people.csv" in zipfile.ZipFile(out).namelist()
    assert f"to {out}" in stdout.getvalue()


def test_the_documented_tables_are_the_exported_ones() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "export.md").read_text()
    assert describe() in doc, "run `sustain export --describe` and update docs/export.md"


def test_the_admin_finds_import_and_export_on_the_organization_page(
    login: Login, cast: Cast
) -> None:
    page = login(cast.admin).get(reverse("orgs:organization")).content.decode()
    assert reverse("exports:page") in page and reverse("roster:import") in page
    people = login(cast.admin).get(reverse("orgs:people")).content.decode()
    assert reverse("roster:import") in people
