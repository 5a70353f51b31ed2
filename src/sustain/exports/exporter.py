"""The whole organization as one zip: a CSV per table and a JSON manifest (docs/export.md).

Every Sustain model that belongs to an organization is exported, found by following its
foreign keys to `Organization`, so a table added later is exported without a change here.
Two tables are shaped to be imported again as they are: `people.csv` is a roster for the
roster import (`sustain import-people`), `kpi_values.csv` a long KPI panel for the KPI
import (`sustain import-kpis --source panel`). Secrets are never exported: password hashes
and token digests are left out (SECRET_FIELDS).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization, Person

FORMAT = "sustain-organization-export"
VERSION = 1
CHUNK = 2000
SECRET_FIELDS = frozenset({"password", "digest", "token", "token_hash", "secret", "key_hash"})
# Exported in their own importable shape instead of the generic one.
SPECIAL = {("orgs", "person"), ("metrics", "kpivalue")}
# Not the organization's data: credentials, and the mail queue (its bodies carry one-time
# links, such as set-password invitations, that are nobody's to download).
# Credentials and mail in flight: API tokens, the outbox (one-time links), and chat
# channels (a Slack or Teams webhook address is itself a credential).
EXCLUDED = {("orgs", "apitoken"), ("notify", "outboxmessage"), ("notify", "channel")}
PEOPLE_COLUMNS = (
    "id",
    "email",
    "name",
    "role",
    "team",
    "region",
    "manager_email",
    "hire_date",
    "time_zone",
    "title",
    "external_id",
    "is_active",
    "date_joined",
    "last_login",
)
KPI_VALUE_COLUMNS = ("rep", "period", "kpi", "value")


@dataclass(frozen=True)
class ExportTable:
    file: str
    model: type[models.Model] | None
    path: str  # the lookup from the model to its organization
    columns: tuple[str, ...]
    description: str


def _org_path(model: type[models.Model]) -> str | None:
    """The shortest chain of forward foreign keys from `model` to Organization."""
    queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for f in current._meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            target = f.related_model
            step = f"{path}__{f.name}" if path else f.name
            if target is Organization:
                return step
            if target not in seen and target._meta.app_label in _sustain_labels():
                seen.add(target)
                queue.append((target, step))
    return None


def _sustain_labels() -> set[str]:
    return {c.label for c in apps.get_app_configs() if c.name.startswith("sustain.")}


def _columns(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS)


def tables() -> list[ExportTable]:
    """Every exported table, in a stable order (app, then model)."""
    out = [
        ExportTable(
            "people.csv",
            None,
            "",
            PEOPLE_COLUMNS,
            "The people, as a roster the roster import reads: team and region by name, "
            "manager_email the manager of her team.",
        ),
        ExportTable(
            "kpi_values.csv",
            None,
            "",
            KPI_VALUE_COLUMNS,
            "Every KPI value as a long panel the KPI import reads: rep email, period, KPI key.",
        ),
    ]
    for model in sorted(apps.get_models(), key=lambda m: (m._meta.app_label, m._meta.model_name)):
        meta = model._meta
        if meta.app_label not in _sustain_labels() or (meta.app_label, meta.model_name) in SPECIAL:
            continue
        if model is Organization:
            out.append(
                ExportTable("organization.csv", model, "pk", _columns(model), "The organization.")
            )
            continue
        path = _org_path(model)
        if path is None or (meta.app_label, meta.model_name) in EXCLUDED:
            continue  # not an organization's data (platform tables, credentials, mail queue)
        out.append(ExportTable(f"{meta.db_table}.csv", model, path, _columns(model), _first(model)))
    return out


def _first(model: type[models.Model]) -> str:
    """The first sentence of the model's docstring (Django's generated one says nothing)."""
    doc = " ".join((model.__doc__ or "").split()).replace("|", "/")
    if doc.startswith(model.__name__ + "("):
        return ""
    end = doc.find(". ")
    return doc if end < 0 else doc[: end + 1]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _people_rows(org: Organization) -> Iterator[tuple[Any, ...]]:
    people = (
        Person.objects.filter(organization=org)
        .order_by("pk")
        .values_list(
            "pk",
            "email",
            "name",
            "role",
            "team__name",
            "region__name",
            "team__manager__email",
            "hire_date",
            "notification_preferences__time_zone",
            "title",
            "external_id",
            "is_active",
            "date_joined",
            "last_login",
        )
    )
    for row in people.iterator(chunk_size=CHUNK):
        email, manager = row[1], row[6]
        yield (*row[:6], "" if manager == email else manager, *row[7:])


def _kpi_rows(org: Organization) -> Iterator[tuple[Any, ...]]:
    from sustain.metrics.models import KpiValue

    values = (
        KpiValue.objects.filter(kpi__organization=org)
        .order_by("kpi_id", "rep_id", "period")
        .values_list("rep__email", "period", "kpi__key", "value")
    )
    return values.iterator(chunk_size=CHUNK)


def _rows(table: ExportTable, org: Organization) -> Iterable[tuple[Any, ...]]:
    if table.file == "people.csv":
        return _people_rows(org)
    if table.file == "kpi_values.csv":
        return _kpi_rows(org)
    assert table.model is not None
    queryset = table.model._default_manager.filter(**{table.path: org.pk}).order_by("pk")
    return queryset.values_list(*table.columns).iterator(chunk_size=CHUNK)


def organization_export(*, organization: Organization, out: IO[bytes]) -> dict[str, Any]:
    """Write the zip to `out`; returns the manifest (also in the zip as manifest.json)."""
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "organization": {
            "id": organization.pk,
            "name": organization.name,
            "slug": organization.slug,
        },
        "exported_at": timezone.now().isoformat(),
        "tables": [],
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables():
            count = 0
            with archive.open(table.file, "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(table.columns)
                for row in _rows(table, organization):
                    writer.writerow([_cell(v) for v in row])
                    count += 1
                text.flush()
                text.detach()
            manifest["tables"].append(
                {"file": table.file, "rows": count, "columns": list(table.columns)}
            )
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def describe() -> str:
    """The table list of docs/export.md, generated from the models."""
    lines = ["| file | columns | what |", "| --- | --- | --- |"]
    for t in tables():
        lines.append(f"| `{t.file}` | {', '.join(t.columns)} | {t.description} |")
    return "\n".join(lines) + "\n"
