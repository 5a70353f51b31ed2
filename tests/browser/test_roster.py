"""An admin imports a 200-person BambooHR export from the page: preview, then import; the
teams and their managers are there."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sustain.orgs.models import Person, Team
from tests.browser.test_plans import _sign_in
from tests.conftest import Cast


def bamboohr_export(people: int = 200) -> str:
    lines = [
        "Employee #,First Name,Last Name,Work Email,Department,Division,Supervisor Email,Hire Date,Role"
    ]
    for team in range(people // 10):
        manager = f"lead{team}@acme-corp.example"
        lines.append(f"M{team},Lead,Number {team},{manager},Pod {team},Central,,2021-02-01,manager")
        for i in range(9):
            n = team * 10 + i
            lines.append(
                f"R{n},Rep,Number {n},rep{n}@acme-corp.example,Pod {team},Central,{manager},2024-06-03,rep"
            )
    return "\n".join(lines) + "\n"


@pytest.mark.django_db(transaction=True)
def test_an_admin_imports_a_bamboohr_export(
    page: Page, live_server: LiveServer, cast: Cast, tmp_path: Path
) -> None:
    path = tmp_path / "bamboohr.csv"
    path.write_text(bamboohr_export())
    base = live_server.url
    _sign_in(page, base, cast.admin)
    page.goto(f"{base}/people/")
    page.get_by_role("link", name="Import the roster").click()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-created]")).to_have_text("200")
    assert not Person.objects.filter(email="rep0@acme-corp.example").exists()
    page.get_by_role("button", name="Import").click()
    expect(page.locator("[data-done]")).to_contain_text("200")
    lead, team = (
        Team.objects.get(name="Pod 7").manager,
        Person.objects.get(email="rep71@acme-corp.example").team,
    )
    assert lead is not None and lead.email == "lead7@acme-corp.example"
    assert team is not None and team.name == "Pod 7"
