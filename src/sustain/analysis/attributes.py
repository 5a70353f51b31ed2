"""Rep attributes the analysis can split by. Each maps the org's rep ids to a label; apps
add their own with `register_attribute` (e.g. coaching: coached or not). Attributes stored
as RepAttribute rows (imported or set by the demo) are offered too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import QuerySet

from sustain.metrics.models import RepAttribute
from sustain.orgs.models import Organization, Person, Role

Attribute = Callable[[Organization, dt.date], dict[int, str]]
ATTRIBUTES: dict[str, tuple[str, Attribute]] = {}


def register_attribute(key: str, label: str, fn: Attribute) -> None:
    ATTRIBUTES[key] = (label, fn)


def _reps(org: Organization) -> QuerySet[Person]:
    return Person.objects.filter(organization=org, role=Role.REP)


def _region(org: Organization, _on: dt.date) -> dict[int, str]:
    return {pk: name or "none" for pk, name in _reps(org).values_list("pk", "region__name")}


def _team(org: Organization, _on: dt.date) -> dict[int, str]:
    return {pk: name or "none" for pk, name in _reps(org).values_list("pk", "team__name")}


def tenure_band(hired: dt.date | None, on: dt.date) -> str:
    if hired is None:
        return "unknown"
    years = (on - hired).days / 365.25
    return "under 1 year" if years < 1 else "1-3 years" if years < 3 else "3 years or more"


def _tenure(org: Organization, on: dt.date) -> dict[int, str]:
    return {pk: tenure_band(hired, on) for pk, hired in _reps(org).values_list("pk", "hire_date")}


register_attribute("region", "Region", _region)
register_attribute("team", "Team", _team)
register_attribute("tenure", "Tenure band", _tenure)


def available_attributes(org: Organization) -> list[tuple[str, str]]:
    stored = sorted(
        set(RepAttribute.objects.filter(rep__organization=org).values_list("name", flat=True))
    )
    out = [(k, label) for k, (label, _fn) in ATTRIBUTES.items()]
    return [(k, k.replace("_", " ").capitalize()) for k in stored if k not in ATTRIBUTES] + out


def attribute_values(org: Organization, key: str, on: dt.date) -> dict[int, str]:
    if key in ATTRIBUTES:
        return ATTRIBUTES[key][1](org, on)
    return dict(
        RepAttribute.objects.filter(rep__organization=org, name=key).values_list("rep_id", "value")
    )
