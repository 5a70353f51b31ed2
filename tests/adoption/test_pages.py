from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.adoption import services
from sustain.adoption.models import Call, CallStatus, Label
from sustain.programs.models import Concept
from tests.adoption.conftest import GOOD_CALL
from tests.conftest import Cast, Login


@pytest.fixture
def call(
    cast: Cast,
    discovery: Concept,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> Call:
    with django_capture_on_commit_callbacks(execute=True):
        created = services.calls_create(
            uploaded_by=cast.manager,
            program=cast.program,
            rep=cast.rep,
            date=dt.date(2026, 10, 1),
            uploads=[services.Upload("call.vtt", GOOD_CALL)],
        )
    return created[0]


def test_it_uploads_several_calls_from_the_page(
    cast: Cast,
    discovery: Concept,
    login: Login,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    files = [SimpleUploadedFile(f"c{i}.vtt", GOOD_CALL) for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.manager).post(
            reverse("adoption:program", args=[cast.program.pk]),
            {"rep": cast.rep.pk, "date": "2026-10-02", "files": files},
        )
    assert response.status_code == 302
    assert list(Call.objects.values_list("status", flat=True)) == [CallStatus.DONE] * 2


def test_a_bad_file_in_a_batch_stores_none_and_says_which(
    cast: Cast, discovery: Concept, login: Login
) -> None:
    files = [
        SimpleUploadedFile("ok.vtt", GOOD_CALL),
        SimpleUploadedFile("bad.txt", b"Rita Rep: hi\nnonsense\n"),
    ]
    response = login(cast.manager).post(
        reverse("adoption:program", args=[cast.program.pk]),
        {"rep": cast.rep.pk, "date": "2026-10-02", "files": files},
    )
    assert response.status_code == 200
    assert "bad.txt, line 2" in response.content.decode()
    assert not Call.objects.exists()


def test_the_program_page_shows_shares_and_not_yet_calibrated(
    cast: Cast, call: Call, login: Login
) -> None:
    page = (
        login(cast.owner).get(reverse("adoption:program", args=[cast.program.pk])).content.decode()
    )
    assert "Share of calls using each concept" in page
    assert "not yet calibrated" in page
    assert "Rita Rep" in page


def test_the_trainer_sees_no_calls_and_no_figures_below_the_minimum_group(
    cast: Cast, call: Call, login: Login
) -> None:
    page = (
        login(cast.trainer)
        .get(reverse("adoption:program", args=[cast.program.pk]))
        .content.decode()
    )
    assert "Fewer than 5 reps have calls" in page
    assert "Rita Rep" not in page
    assert login(cast.trainer).get(reverse("adoption:call", args=[call.pk])).status_code == 404


def test_the_rep_sees_her_call_and_other_reps_do_not(
    cast: Cast, call: Call, client: Client
) -> None:
    client.force_login(cast.rep)
    assert client.get(reverse("adoption:call", args=[call.pk])).status_code == 200
    client.force_login(cast.other_rep)
    assert client.get(reverse("adoption:call", args=[call.pk])).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(reverse("adoption:call", args=[call.pk])).status_code == 404


def test_one_click_confirms_a_detection_with_htmx(
    cast: Cast, call: Call, discovery: Concept, login: Login
) -> None:
    url = reverse("adoption:label", args=[call.pk, discovery.pk])
    response = login(cast.manager).post(url, {"used": "no"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="concept-{discovery.pk}"') and "not used" in body
    assert Label.objects.get(call=call, concept=discovery).used is False


def test_the_rep_cannot_label_her_own_call(
    cast: Cast, call: Call, discovery: Concept, login: Login
) -> None:
    url = reverse("adoption:label", args=[call.pk, discovery.pk])
    assert login(cast.rep).post(url, {"used": "yes"}).status_code == 403
    assert not Label.objects.exists()


def test_the_review_queue_lists_unconfirmed_calls_for_the_manager(
    cast: Cast, call: Call, login: Login
) -> None:
    page = (
        login(cast.manager)
        .get(reverse("adoption:program", args=[cast.program.pk]))
        .content.decode()
    )
    assert "Worth your review" in page and reverse("adoption:call", args=[call.pk]) in page


def test_an_admin_sets_the_retention_and_a_manager_cannot(cast: Cast, login: Login) -> None:
    url = reverse("adoption:retention", args=[cast.program.pk])
    assert login(cast.manager).post(url, {"retention_days": 30}).status_code == 403
    assert login(cast.admin).post(url, {"retention_days": 30}).status_code == 302
    assert cast.org.adoption_policy.retention_days == 30


def test_the_page_narrows_to_a_team_or_rep_the_viewer_can_see(
    cast: Cast, call: Call, login: Login
) -> None:
    url = reverse("adoption:program", args=[cast.program.pk])
    page = login(cast.owner).get(url, {"team": cast.other_team.pk}).content.decode()
    assert "showing West 2" in page and reverse("adoption:call", args=[call.pk]) not in page
    page = login(cast.owner).get(url, {"rep": cast.rep.pk}).content.decode()
    assert reverse("adoption:call", args=[call.pk]) in page
    assert login(cast.manager).get(url, {"team": cast.other_team.pk}).status_code == 404
    assert login(cast.manager).get(url, {"rep": cast.other_rep.pk}).status_code == 404


def test_the_home_page_shows_the_reps_own_adoption_with_calibration(
    cast: Cast,
    login: Login,
    discovery: Concept,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.calls_create(
            uploaded_by=cast.manager,
            program=cast.program,
            rep=cast.rep,
            date=dt.date.today(),
            uploads=[services.Upload("call.vtt", GOOD_CALL)],
        )
    page = login(cast.rep).get("/").content.decode()
    assert "Your calls: techniques used" in page and "not yet calibrated" in page
    assert "adoption-panel" not in login(cast.other_rep).get("/").content.decode()
    assert "adoption-panel" not in login(cast.trainer).get("/").content.decode()
