"""Every API list is one page `{"items", "count"}` walked with limit/offset, in a stable
order; a limit out of bounds is a 422 in the one error shape."""

from __future__ import annotations

import datetime as dt

import pytest

from sustain.metrics import services as metrics
from sustain.metrics.models import KpiValue
from tests.conftest import Api, Cast


def test_it_walks_the_people_page_by_page_in_name_order(cast: Cast, api: Api) -> None:
    client = api(cast.admin)
    whole = client.get("/people?limit=1000").json()
    names = [p["name"] for p in whole["items"]]
    assert whole["count"] == len(names) > 3 and names == sorted(names)
    walked = []
    for offset in range(0, whole["count"], 2):
        page = client.get(f"/people?limit=2&offset={offset}").json()
        assert page["count"] == whole["count"] and len(page["items"]) <= 2
        walked += [p["name"] for p in page["items"]]
    assert walked == names


def test_it_counts_the_whole_list_not_the_page(cast: Cast, api: Api) -> None:
    page = api(cast.admin).get("/people?role=rep&limit=1").json()
    assert len(page["items"]) == 1 and page["count"] == 2


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=-5", "limit=1001", "offset=-1", f"offset={10**28}"]
)
def test_it_refuses_a_limit_or_offset_out_of_bounds_in_the_one_shape(
    cast: Cast, api: Api, query: str
) -> None:
    response = api(cast.admin).get(f"/people?{query}")
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert set(body["errors"]) == {query.split("=")[0]}


def test_it_lists_kpi_values_past_the_old_cut_and_pages_them(cast: Cast, api: Api) -> None:
    kpi = metrics.kpi_definition_create(organization=cast.org, key="calls", name="Calls")
    monday = dt.date(2026, 1, 5)
    KpiValue.objects.bulk_create(
        KpiValue(kpi=kpi, rep=cast.rep, period=monday + dt.timedelta(weeks=w), value=w)
        for w in range(120)
    )
    client = api(cast.analyst)
    first = client.get(f"/kpis/{kpi.pk}/values").json()
    assert first["count"] == 120 and len(first["items"]) == 100
    rest = client.get(f"/kpis/{kpi.pk}/values?offset=100").json()["items"]
    assert [r["value"] for r in first["items"] + rest] == list(range(120))


def test_a_paginated_list_keeps_its_own_parameters_checks(cast: Cast, api: Api) -> None:
    kpi = metrics.kpi_definition_create(organization=cast.org, key="calls", name="Calls")
    response = api(cast.analyst).get(f"/kpis/{kpi.pk}/values?since=0")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"since"}
