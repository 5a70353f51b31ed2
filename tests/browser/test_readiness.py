from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sustain.readiness.models import Goal, MeasurementPlan, OwnerProfile, WhyMessage
from tests.conftest import PASSWORD, Cast
from tests.readiness.conftest import make_ready


def _fix(page: Page, key: str) -> None:
    page.locator(f'tr[data-key="{key}"] a').click()


@pytest.mark.django_db(transaction=True)
def test_it_walks_an_owner_from_not_ready_to_ready(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    make_ready(cast)
    for model in (OwnerProfile, Goal, WhyMessage, MeasurementPlan):
        model.objects.all().delete()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", cast.owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/programs/{cast.program.pk}/")
    page.get_by_role("link", name="Readiness").click()
    expect(page.locator("#ready-badge")).to_have_text("Not ready")

    _fix(page, "owner_fit")
    page.select_option("#id_has_sales_experience", "true")
    page.fill("#id_sales_years", "8")
    page.fill("#id_time_share", "40")
    page.check("#id_paid_for_success")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="owner_fit"]')).to_have_attribute("data-ok", "true")

    _fix(page, "goals_with_baselines")
    page.select_option("#id_kpi", "win_rate")
    page.fill("#id_baseline_value", "20")
    page.fill("#id_baseline_start", "2026-01-01")
    page.fill("#id_baseline_end", "2026-06-30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_target_value_error")).to_contain_text("target")
    page.fill("#id_target_value", "25")
    page.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="goals_with_baselines"]')).to_have_attribute("data-ok", "true")

    _fix(page, "why_message")
    page.select_option("#id_author", label=cast.executive.name)
    page.fill("#id_market_change", "Buyers research before they call us.")
    page.fill("#id_status_quo", "Pitching features loses deals.")
    page.get_by_role("button", name="Save").click()

    _fix(page, "control_group_plan")
    page.fill("#id_method", "Staggered difference in differences")
    page.fill("#id_comparison_group", "West 2, trained a quarter later")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#ready-badge")).to_have_text("Ready")
    expect(page.locator('tr[data-ok="false"]')).to_have_count(0)
