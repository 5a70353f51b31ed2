"""Minimum group size (k): an aggregate over fewer than k people is withheld from anyone
who may not see those people one by one, in the API and on pages; admins set k."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.metrics.models import KpiValue
from sustain.metrics.services import _ensure_kpis
from sustain.orgs.models import Organization, Role
from tests.conftest import Api, Cast, Login, make_person

PERIOD = dt.date(2026, 1, 5)


@pytest.fixture
def revenue(cast: Cast) -> int:
    """One period with a single rep's value, one with six reps' values."""
    kpi_id = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    reps = [cast.rep] + [
        make_person(cast.org, f"Rep {i}", Role.REP, team=cast.team) for i in range(5)
    ]
    rows = [KpiValue(rep=cast.rep, period=PERIOD, kpi_id=kpi_id, value=1234.0)]
    rows += [
        KpiValue(rep=r, period=PERIOD + dt.timedelta(weeks=1), kpi_id=kpi_id, value=100.0)
        for r in reps
    ]
    KpiValue.objects.bulk_create(rows)
    return kpi_id


# Who gets the one-rep mean: those who may read each rep's value anyway.
MEANS = {
    "executive": True,
    "owner": True,
    "analyst": True,
    "admin": True,
    "manager": False,
    "rep": False,
    "trainer": False,
}


@pytest.mark.parametrize(("role", "sees"), MEANS.items())
def test_a_mean_over_fewer_than_k_reps_is_withheld(
    cast: Cast, api: Api, revenue: int, role: str, sees: bool
) -> None:
    first, second = api(cast.by_role(role)).get(f"/kpis/{revenue}/means").json()["items"]
    assert first["reps"] == 1
    assert first["mean"] == (1234.0 if sees else None)
    assert first["suppressed"] == (None if sees else "fewer than 5 reps")
    assert (second["mean"], second["suppressed"]) == (100.0, None)


def test_an_admin_sets_k_on_the_page_and_in_the_api(cast: Cast, api: Api, login: Login) -> None:
    r = api(cast.admin).patch("/organization", {"min_group_size": 8})
    assert r.status_code == 200 and r.json()["min_group_size"] == 8
    page = login(cast.admin).post("/organization/", {"name": "Acme Corp", "min_group_size": "6"})
    assert page.status_code == 302
    assert Organization.objects.get(pk=cast.org.pk).min_group_size == 6
    assert api(cast.rep).get("/organization").json()["min_group_size"] == 6


def test_k_changes_what_is_withheld(cast: Cast, api: Api, revenue: int) -> None:
    api(cast.admin).patch("/organization", {"min_group_size": 7})
    _, second = api(cast.trainer).get(f"/kpis/{revenue}/means").json()["items"]
    assert (second["mean"], second["suppressed"]) == (None, "fewer than 7 reps")


@pytest.mark.parametrize("bad", [0, 1, 51, "x"])
def test_k_below_two_or_nonsense_is_refused_and_changes_nothing(
    cast: Cast, api: Api, bad: int | str
) -> None:
    r = api(cast.admin).patch("/organization", {"min_group_size": bad})
    assert r.status_code in (400, 422)
    assert Organization.objects.get(pk=cast.org.pk).min_group_size == 5


@pytest.mark.parametrize("role", ["executive", "manager", "rep", "trainer", "analyst"])
def test_only_admins_change_k(cast: Cast, api: Api, role: str) -> None:
    assert api(cast.by_role(role)).patch("/organization", {"min_group_size": 2}).status_code == 403
    assert Organization.objects.get(pk=cast.org.pk).min_group_size == 5
