"""A file over the upload limit is refused beside its field before it is sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sustain.metrics.models import ImportJob
from tests.browser.conftest import SignIn
from tests.conftest import Cast


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_file_over_the_limit_beside_the_field(
    page: Page, live_server: LiveServer, sign_in: SignIn, cast: Cast, tmp_path: Path
) -> None:
    big = tmp_path / "crm-export.csv"
    big.write_text("rep_email,date,revenue\n" + "r@example.com,2026-01-05,100\n" * 200)
    with override_settings(SUSTAIN_MAX_UPLOAD_BYTES=2000):
        sign_in(cast.analyst.email)
        page.goto(f"{live_server.url}/metrics/import/")
        page.set_input_files("input[name=file]", str(big))
        error = page.locator(".field.has-error .upload-limit")
        expect(error).to_contain_text("crm-export.csv is 6 KB")
        expect(error).to_contain_text("the limit is 2 KB")
        page.get_by_role("button", name="Upload").click()
        expect(page).to_have_url(f"{live_server.url}/metrics/import/")
    assert not ImportJob.objects.exists()
