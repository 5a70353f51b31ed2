"""Every API error answers `{"detail": str, "errors": {field: [messages]}}`, as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from sustain.programs.models import WorkshopSession
from tests.conftest import Api, Cast, Response


def _shape(response: Response) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert isinstance(body["detail"], str)
    assert isinstance(body["errors"], dict)
    return body


def test_it_answers_a_request_schema_error_in_the_one_shape(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post(f"/programs/{cast.program.pk}/sessions", {"title": "X"})
    assert response.status_code == 422
    body = _shape(response)
    assert set(body["errors"]) == {"starts_on", "ends_on"}
    assert body["detail"].startswith("starts_on: ")


def test_it_answers_404_as_json(cast: Cast, api: Api) -> None:
    assert _shape(api(cast.admin).get("/programs/999999"))["detail"] == "Not found."


def test_it_answers_an_unknown_api_path_as_json(cast: Cast, api: Api) -> None:
    response = api(cast.admin).get("/no-such-thing")
    assert response.status_code == 404
    _shape(response)


def test_it_answers_a_method_not_allowed_as_json(cast: Cast, api: Api) -> None:
    response = api(cast.admin).client.delete("/api/v1/programs")
    assert response.status_code == 405
    assert "GET" in _shape(response)["detail"]


def test_it_answers_401_as_json(cast: Cast, client: Client) -> None:
    _shape(client.get("/api/v1/programs"))


def test_it_answers_an_oversized_body_with_413_json(cast: Cast, api: Api) -> None:
    with override_settings(SUSTAIN_MAX_UPLOAD_BYTES=1000, DATA_UPLOAD_MAX_MEMORY_SIZE=500):
        response = api(cast.admin).post("/regions", {"name": "x" * 700})
        assert response.status_code == 413
        assert "MB" in _shape(response)["detail"]
        response = api(cast.admin).post("/regions", {"name": "x" * 2000})
        assert response.status_code == 413
        _shape(response)


def test_it_answers_a_server_error_as_json(
    cast: Cast, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sustain.programs import selectors

    def boom(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "programs_list", boom)
    client = api(cast.admin).client
    client.raise_request_exception = False
    response = client.get("/api/v1/programs")
    assert response.status_code == 500
    assert "boom" not in _shape(response)["detail"]


def test_it_refuses_bodies_that_are_not_objects(cast: Cast, api: Api) -> None:
    client = api(cast.admin).client
    for raw in ("null", "[]", "3"):
        response = client.post(
            f"/api/v1/programs/{cast.program.pk}/sessions", raw, content_type="application/json"
        )
        assert response.status_code == 422, raw
        _shape(response)
        response = client.patch(
            f"/api/v1/programs/{cast.program.pk}", raw, content_type="application/json"
        )
        assert response.status_code == 422, raw


def test_it_refuses_unknown_fields(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/programs/{cast.program.pk}", {"nmae": "Typo"})
    assert response.status_code == 422
    assert "nmae" in _shape(response)["errors"]


def test_it_refuses_a_number_as_a_date(cast: Cast, api: Api) -> None:
    path = f"/programs/{cast.program.pk}/sessions"
    for due in (-4.26e-35, 0, "1700000000"):
        body = {"title": "Kickoff", "starts_on": due, "ends_on": "2026-05-01"}
        response = api(cast.admin).post(path, body)
        assert response.status_code == 422, due
        assert "YYYY-MM-DD" in _shape(response)["errors"]["starts_on"][0]
    assert not WorkshopSession.objects.exists()


def test_it_refuses_nul_and_lone_surrogates_in_text(cast: Cast, api: Api) -> None:
    for bad in ("\ud800", "West\udc00"):
        response = api(cast.admin).post("/regions", {"name": bad})
        assert response.status_code == 422
        assert "name" in _shape(response)["errors"]


def test_it_refuses_ids_and_limits_out_of_range(cast: Cast, api: Api) -> None:
    assert api(cast.admin).get(f"/programs/{2**70}").status_code in (400, 404, 422)
    assert api(cast.admin).get(f"/people/{2**64}").status_code in (400, 404, 422)
    from sustain.metrics.models import KpiDefinition

    kpi = KpiDefinition.objects.create(organization=cast.org, key="rev", name="Revenue")
    for limit in (-1, 0, 10**12):
        response = api(cast.analyst).get(f"/kpis/{kpi.pk}/values?limit={limit}")
        assert response.status_code == 422
        assert "limit" in _shape(response)["errors"]


def test_it_drops_nul_characters_from_text(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post("/regions", {"name": "North\x00"})
    assert response.status_code == 201
    assert response.json()["name"] == "North"


def test_it_refuses_numbers_for_booleans_and_booleans_for_numbers(cast: Cast, api: Api) -> None:
    program = cast.program
    response = api(cast.owner).patch(f"/programs/{program.pk}/plan-policy", {"plan_days": True})
    assert response.status_code == 422
    assert "plan_days" in _shape(response)["errors"]
    response = api(cast.admin).patch(f"/programs/{program.pk}", {"budget_workshop": "12x"})
    assert response.status_code == 422
    response = api(cast.owner).patch(f"/programs/{program.pk}/plan-policy", {"plan_days": "60"})
    assert response.status_code == 422


def test_it_refuses_null_for_text_that_cannot_be_null(cast: Cast, api: Api) -> None:
    response = api(cast.admin).patch(f"/programs/{cast.program.pk}", {"vendor": None})
    assert response.status_code in (400, 422)
    assert "vendor" in _shape(response)["errors"]
    response = api(cast.admin).patch(f"/people/{cast.rep.pk}", {"title": None})
    assert response.status_code in (400, 422)
    assert "title" in _shape(response)["errors"]


def test_it_answers_a_multipart_body_without_boundary_with_400(cast: Cast, api: Api) -> None:
    client = api(cast.analyst).client
    client.raise_request_exception = False
    response = client.generic("POST", "/api/v1/imports", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    _shape(response)
