from __future__ import annotations

from sustain.metrics.models import Direction, KpiDefinition, KpiUnit
from sustain.metrics.units import effect_words, format_value, verdict
from tests.conftest import Api, Cast, Login


def kpi(**fields: object) -> KpiDefinition:
    return KpiDefinition(key="k", name=str(fields.pop("name", "Revenue")), **fields)


def test_it_writes_money_in_the_kpis_currency_per_rep_per_week() -> None:
    revenue = kpi(unit=KpiUnit.CURRENCY, monetary=True, currency="USD")
    assert effect_words(revenue, 2239.68, period_days=7) == (
        "+$2,240 Revenue per rep per week since training"
    )
    assert format_value(kpi(unit=KpiUnit.CURRENCY, currency="SEK"), 1500) == "1,500 SEK"


def test_it_says_lower_is_better_and_judges_by_direction() -> None:
    cycle = kpi(name="Sales cycle", unit=KpiUnit.DAYS, direction=Direction.DOWN)
    assert effect_words(cycle, -2.5, period_days=30) == (
        "\u22122.5 days Sales cycle per rep per month since training (lower is better)"
    )
    assert verdict(cycle, -2.5, -4, -1) == "better"
    assert verdict(cycle, 2.5, 1, 4) == "worse"
    assert verdict(cycle, -2.5, -4, 1) == "no clear change"


def test_it_writes_ratios_as_percentage_points() -> None:
    win_rate = kpi(name="Win rate", unit=KpiUnit.RATIO)
    assert format_value(win_rate, 0.031, signed=True) == "+3.1 percentage points"
    assert format_value(win_rate, 0.25) == "25.0%"


def test_it_edits_a_kpis_unit_direction_and_currency_from_the_api(cast: Cast, api: Api) -> None:
    from sustain.metrics.services import _ensure_kpis

    kpi_id = _ensure_kpis(cast.org, ["cycle_days"])["cycle_days"]
    response = api(cast.analyst).patch(
        f"/kpis/{kpi_id}", {"direction": "up", "unit": "number", "currency": "eur"}
    )
    assert response.status_code == 200
    assert response.json()["direction"] == "up" and response.json()["currency"] == "EUR"
    bad = api(cast.analyst).patch(f"/kpis/{kpi_id}", {"currency": "E1"})
    assert bad.status_code in (400, 422)
    assert cast.org.kpis.get(pk=kpi_id).currency == "EUR"
    assert cast.org.kpis.get(pk=kpi_id).direction == "up"
    assert api(cast.rep).patch(f"/kpis/{kpi_id}", {"direction": "down"}).status_code == 403
    assert api(cast.outsider).patch(f"/kpis/{kpi_id}", {"direction": "down"}).status_code == 404


def test_it_edits_a_kpi_on_its_page(cast: Cast, login: Login) -> None:
    from sustain.metrics.services import _ensure_kpis

    kpi_id = _ensure_kpis(cast.org, ["revenue"])["revenue"]
    url = f"/metrics/kpis/{kpi_id}/edit/"
    data = {"name": "Revenue", "unit": "currency", "direction": "up", "currency": "GBP"}
    assert login(cast.analyst).post(url, {**data, "direction": "sideways"}).status_code == 200
    assert cast.org.kpis.get(pk=kpi_id).currency == ""
    assert login(cast.analyst).post(url, data).status_code == 302
    assert cast.org.kpis.get(pk=kpi_id).currency == "GBP"
    assert login(cast.rep).get(url).status_code == 403
