from __future__ import annotations

from typing import Protocol

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.adoption.models import Call, Label
from sustain.orgs import services as org_services
from sustain.orgs.models import Person
from sustain.programs.models import Concept
from tests.adoption.conftest import BUYER_ONLY_CALL, GOOD_CALL, vtt
from tests.conftest import Api, Cast, Response


class Upload(Protocol):
    """The `upload` fixture."""

    def __call__(
        self, person: Person, *, rep: int, program: int, data: bytes, name: str = ...
    ) -> Response: ...


@pytest.fixture
def upload(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Upload:
    """POST /api/v1/calls as `person`; the scoring job runs when the request commits."""

    def post(
        person: Person, *, rep: int, program: int, data: bytes, name: str = "call.vtt"
    ) -> Response:
        token = org_services.api_token_create(person=person)
        client = Client(headers={"Authorization": f"Bearer {token}"})
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/api/v1/calls",
                {
                    "file": SimpleUploadedFile(name, data),
                    "rep": rep,
                    "date": "2026-10-01",
                    "program": program,
                },
            )

    return post


def test_it_scores_an_uploaded_call_with_evidence(
    cast: Cast, discovery: Concept, api: Api, upload: Upload
) -> None:
    response = upload(cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=GOOD_CALL)
    assert response.status_code == 201, response.content
    call_id = response.json()["id"]
    body = api(cast.manager).get(f"/calls/{call_id}").json()
    assert body["status"] == "done" and body["rep"] == cast.rep.pk
    found = {c["concept"]: c for c in body["concepts"]}
    assert found[discovery.pk]["used"] is True
    assert found[discovery.pk]["evidence"][0]["start"] == "00:02:05"
    assert "biggest challenge" in found[discovery.pk]["evidence"][0]["text"]


def test_it_never_credits_the_rep_with_what_the_buyer_said(
    cast: Cast, discovery: Concept, api: Api, upload: Upload
) -> None:
    call_id = upload(
        cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=BUYER_ONLY_CALL
    ).json()["id"]
    found = {c["concept"]: c for c in api(cast.manager).get(f"/calls/{call_id}").json()["concepts"]}
    assert found[discovery.pk]["used"] is False and found[discovery.pk]["evidence"] == []


def test_it_refuses_a_bad_file_naming_file_and_line_and_stores_nothing(
    cast: Cast, discovery: Concept, upload: Upload
) -> None:
    bad = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Rita Rep>Hi</v>\n\ngarbage\n"
    response = upload(
        cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=bad, name="z.vtt"
    )
    assert response.status_code == 400
    assert "z.vtt, line 6" in response.json()["detail"]
    assert not Call.objects.exists()


def test_it_refuses_a_call_where_the_rep_does_not_speak(
    cast: Cast, discovery: Concept, upload: Upload
) -> None:
    data = vtt(("Someone Else", "Hello"), ("Bob Buyer", "Hi"))
    response = upload(cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=data)
    assert response.status_code == 400
    assert "no speaker is the rep" in response.json()["detail"]


def test_it_matches_the_rep_by_email(cast: Cast, discovery: Concept, upload: Upload) -> None:
    data = vtt((cast.rep.email, "What is the biggest challenge for you?"), ("Bob", "Costs"))
    assert (
        upload(cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=data).status_code == 201
    )


def test_it_refuses_a_file_over_the_size_limit(
    cast: Cast, discovery: Concept, upload: Upload
) -> None:
    data = b"WEBVTT\n\n" + b"x" * (5 * 1024 * 1024 + 1)
    response = upload(cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=data)
    assert response.status_code == 400 and "over 5 MB" in response.json()["detail"]


def test_it_hides_calls_from_outsiders_other_teams_and_the_trainer(
    cast: Cast, discovery: Concept, api: Api, upload: Upload
) -> None:
    call_id = upload(cast.rep, rep=cast.rep.pk, program=cast.program.pk, data=GOOD_CALL).json()[
        "id"
    ]
    assert api(cast.rep).get(f"/calls/{call_id}").status_code == 200
    assert api(cast.owner).get(f"/calls/{call_id}").status_code == 200
    for person in (cast.outsider, cast.other_manager, cast.other_rep, cast.trainer):
        assert api(person).get(f"/calls/{call_id}").status_code == 404, person


def test_it_refuses_uploads_for_a_rep_the_uploader_cannot_see(
    cast: Cast, discovery: Concept, upload: Upload
) -> None:
    assert (
        upload(
            cast.other_manager, rep=cast.rep.pk, program=cast.program.pk, data=GOOD_CALL
        ).status_code
        == 404
    )
    assert (
        upload(cast.outsider, rep=cast.rep.pk, program=cast.program.pk, data=GOOD_CALL).status_code
        == 404
    )
    assert (
        upload(cast.trainer, rep=cast.rep.pk, program=cast.program.pk, data=GOOD_CALL).status_code
        == 403
    )
    assert not Call.objects.exists()


def test_a_manager_labels_a_detection_and_the_rep_cannot(
    cast: Cast, discovery: Concept, api: Api, upload: Upload
) -> None:
    call_id = upload(cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=GOOD_CALL).json()[
        "id"
    ]
    response = api(cast.manager).post(
        f"/calls/{call_id}/labels", {"concept": discovery.pk, "used": False}
    )
    assert response.status_code == 201
    assert Label.objects.get().used is False
    assert (
        api(cast.rep)
        .post(f"/calls/{call_id}/labels", {"concept": discovery.pk, "used": True})
        .status_code
        == 403
    )
    assert (
        api(cast.outsider)
        .post(f"/calls/{call_id}/labels", {"concept": discovery.pk, "used": True})
        .status_code
        == 404
    )
    other = api(cast.manager).post(f"/calls/{call_id}/labels", {"concept": 999999, "used": True})
    assert other.status_code == 404


def test_calibration_says_not_yet_calibrated_below_the_minimum(
    cast: Cast, discovery: Concept, api: Api, upload: Upload
) -> None:
    call_id = upload(cast.manager, rep=cast.rep.pk, program=cast.program.pk, data=GOOD_CALL).json()[
        "id"
    ]
    api(cast.manager).post(f"/calls/{call_id}/labels", {"concept": discovery.pk, "used": True})
    body = api(cast.owner).get(f"/programs/{cast.program.pk}/adoption/calibration").json()
    row = next(c for c in body["concepts"] if c["concept"] == discovery.pk)
    assert row["labels"] == 1 and row["calibrated"] is False
    assert row["precision"] == 1.0 and row["kappa"] is not None
    assert (
        api(cast.outsider).get(f"/programs/{cast.program.pk}/adoption/calibration").status_code
        == 404
    )


def test_rescore_is_accepted_for_editors_and_managers_only(
    cast: Cast, discovery: Concept, api: Api, upload: Upload
) -> None:
    path = f"/programs/{cast.program.pk}/adoption/rescore"
    assert api(cast.owner).post(path).status_code == 202
    assert api(cast.manager).post(path).status_code == 202
    assert api(cast.rep).post(path).status_code == 403
    assert api(cast.outsider).post(path).status_code == 404
