"""Pages that go wrong say what happened, in the app's own style, with a way back."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings

from sustain.metrics.models import ImportJob
from tests.conftest import Cast, Login

CSS = Path(__file__).parents[2] / "src/sustain/web/static/web/sustain.css"


def _styled_with_a_way_back(page: str) -> None:
    assert "web/sustain.css" in page
    assert 'href="/"' in page


def test_it_shows_a_styled_404_with_a_way_home(cast: Cast, login: Login) -> None:
    response = login(cast.rep).get("/programs/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page
    _styled_with_a_way_back(page)


def test_it_shows_a_styled_403_with_a_way_home(cast: Cast, login: Login) -> None:
    response = login(cast.rep).get(f"/programs/{cast.program.pk}/edit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page
    _styled_with_a_way_back(page)


def test_it_shows_a_styled_500_with_a_way_home(
    cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sustain.web import views

    def boom(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "home", boom)
    client.force_login(cast.rep)
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF="tests.web.boom_urls"):
        response = client.get("/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "boom" not in page
    assert "try again" in page
    _styled_with_a_way_back(page)


def test_it_sends_a_huge_upload_back_to_its_form_with_the_limit_beside_the_field(
    cast: Cast, login: Login
) -> None:
    client = login(cast.analyst)
    with override_settings(SUSTAIN_MAX_UPLOAD_BYTES=1000):
        response = client.post("/metrics/import/", {"note": "x" * 5000})
        assert response.status_code == 303
        assert response["Location"] == "/metrics/import/?too_large=1"
        page = client.get(response["Location"]).content.decode()
    field = page.split('name="file"')[1].split("</div>")[0]
    assert 'data-max-bytes="1000"' in page
    assert "larger than the limit of 0.001 MB" in field
    assert not ImportJob.objects.exists()


def test_it_refuses_a_huge_body_on_other_methods_with_a_styled_413(
    cast: Cast, login: Login
) -> None:
    with override_settings(SUSTAIN_MAX_UPLOAD_BYTES=1000):
        response = login(cast.analyst).put("/metrics/import/", "x" * 5000)
    assert response.status_code == 413
    assert "at most 0.001 MB" in response.content.decode()


def test_it_wraps_a_long_unbroken_note_instead_of_widening_the_page() -> None:
    css = CSS.read_text()
    content_rule = css[css.index(".content {") :].split("}")[0]
    assert "overflow-wrap: anywhere" in content_rule
    assert "minmax(0, 1fr)" in css


def test_it_answers_an_id_beyond_64_bits_in_an_address_with_404(cast: Cast, login: Login) -> None:
    response = login(cast.owner).get(f"/programs/{2**70}/")
    assert response.status_code == 404
