"""The adoption page's figures counted in the database, and its team and rep choices kept
short however many reps the organization has."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from sustain.adoption import selectors, views
from sustain.adoption.models import Call, CallStatus, Detection
from sustain.orgs.models import Person
from sustain.programs.models import Concept
from tests.adoption.conftest import GOOD_CALL, TRAINED
from tests.conftest import Cast, Login

pytestmark = pytest.mark.django_db


def _call(
    cast: Cast, rep: Person, days: int, used: dict[Concept, bool], status: str = CallStatus.DONE
) -> Call:
    call = Call.objects.create(
        organization=cast.org,
        program=cast.program,
        rep=rep,
        date=TRAINED + dt.timedelta(days=days),
        filename="c.vtt",
        rep_speaker=rep.name,
        status=status,
    )
    for concept, u in used.items():
        Detection.objects.create(call=call, concept=concept, used=u, score=0.5)
    return call


def test_it_counts_the_share_of_calls_by_week_since_training(
    cast: Cast, discovery: Concept
) -> None:
    closing = Concept.objects.get(program=cast.program, name="Closing")
    _call(cast, cast.rep, -3, {discovery: False})  # week -1
    _call(cast, cast.rep, 0, {discovery: True, closing: False})  # week 0
    _call(cast, cast.rep, 6, {discovery: False, closing: True})  # week 0
    _call(cast, cast.rep, 7, {discovery: True, closing: True})  # week 1
    _call(cast, cast.rep, 8, {discovery: True}, status=CallStatus.FAILED)  # not scored
    _call(cast, cast.other_rep, 0, {discovery: True})  # Oscar has no training day
    rows = selectors.adoption_rows(cast.program, Call.objects.all())
    assert [(r["week"], r["concept"], r["share"], r["calls"]) for r in rows] == [
        (-1, "Discovery", 0.0, 1),
        (0, "Discovery", 0.5, 2),
        (0, "Closing", 0.5, 2),
        (1, "Discovery", 1.0, 1),
        (1, "Closing", 1.0, 1),
    ]


def test_it_counts_only_the_calls_in_scope(cast: Cast, discovery: Concept) -> None:
    cast.program.enrollments.filter(person=cast.other_rep).update(trained_on=TRAINED)
    _call(cast, cast.rep, 0, {discovery: True})
    _call(cast, cast.other_rep, 1, {discovery: False})
    _call(cast, cast.other_rep, 2, {discovery: False})
    everyone = selectors.adoption_rows(cast.program, Call.objects.all())
    assert [(r["share"], r["calls"]) for r in everyone] == [(0.333, 3)]
    rita = selectors.adoption_rows(cast.program, Call.objects.filter(rep=cast.rep))
    assert [(r["share"], r["calls"]) for r in rita] == [(1.0, 1)]


def test_it_offers_a_search_instead_of_too_long_a_list(
    cast: Cast, discovery: Concept, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MAX_CHOICES", 1)  # the owner sees two teams and two reps
    url = reverse("adoption:program", args=[cast.program.pk])
    page = login(cast.owner).get(url).content.decode()
    assert 'name="q"' in page and '<select name="team">' not in page
    assert 'id="upload-find-rep"' in page and 'name="files"' not in page
    found = login(cast.owner).get(url, {"q": "west"}).content.decode()
    assert f"?team={cast.team.pk}" in found and f"?team={cast.other_team.pk}" in found
    found = login(cast.owner).get(url, {"q": "rita"}).content.decode()
    assert f"?rep={cast.rep.pk}" in found and f"?rep={cast.other_rep.pk}" not in found
    # Narrowed to a team: its reps are listed, for the scope and the upload form.
    page = login(cast.owner).get(url, {"team": cast.team.pk}).content.decode()
    assert "showing West 1" in page and 'name="files"' in page
    assert f'<option value="{cast.rep.pk}">Rita Rep</option>' in page
    assert "Oscar Otherrep" not in page


def test_the_search_finds_only_whom_the_viewer_may_see(
    cast: Cast, discovery: Concept, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MAX_CHOICES", 0)
    url = reverse("adoption:program", args=[cast.program.pk])
    found = login(cast.manager).get(url, {"q": "e"}).content.decode()  # Rita, Oscar, West
    assert f"?rep={cast.rep.pk}" in found and f"?rep={cast.other_rep.pk}" not in found
    assert f"?team={cast.team.pk}" in found and f"?team={cast.other_team.pk}" not in found


def test_an_upload_is_checked_against_every_rep_the_viewer_may_see(
    cast: Cast,
    discovery: Concept,
    login: Login,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    monkeypatch.setattr(views, "MAX_CHOICES", 0)  # no rep listed on the page
    url = reverse("adoption:program", args=[cast.program.pk])
    data = {
        "rep": cast.rep.pk,
        "date": "2026-10-02",
        "files": [SimpleUploadedFile("c.vtt", GOOD_CALL)],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert login(cast.owner).post(url, data).status_code == 302
    assert Call.objects.get().rep == cast.rep
    data["rep"] = cast.other_rep.pk  # not hers to upload for
    data["files"] = [SimpleUploadedFile("c.vtt", GOOD_CALL)]
    response = login(cast.manager).post(url, data)
    assert response.status_code == 200 and Call.objects.count() == 1


def test_calibration_is_recomputed_only_when_its_labels_or_detections_change(
    cast: Cast, discovery: Concept, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sustain.adoption import services
    from sustain.adoption.models import Label
    from tests.adoption.test_services import make_call

    monkeypatch.setattr(selectors, "_calibration_cache", {})  # another test's program 1
    computed: list[int] = []
    compute = selectors.compute_calibration

    def counted(*args: Any, **kwargs: Any) -> list[selectors.CalibrationRow]:
        computed.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(selectors, "compute_calibration", counted)
    call = make_call(cast)
    selectors.calibration(cast.program)
    selectors.calibration(cast.program)  # the same inputs: read, not recomputed
    assert len(computed) == 1
    Label.objects.create(call=call, concept=discovery, used=True)
    rows = {r.concept.pk: r for r in selectors.calibration(cast.program)}
    assert len(computed) == 2 and rows[discovery.pk].labels == 1
    services.call_process(call=call)  # re-scored: its detections are replaced
    selectors.calibration(cast.program)
    assert len(computed) == 3


def test_it_counts_each_teams_weekly_share_of_calls_showing_a_concept(
    cast: Cast, discovery: Concept
) -> None:
    day = TRAINED + dt.timedelta(days=40)
    closing = Concept.objects.get(program=cast.program, name="Closing")

    def on(rep: Person, days_before: int, used: bool, status: str = CallStatus.DONE) -> None:
        # Both concepts at once: a call counts once however many it shows.
        _call(cast, rep, 40 - days_before, {discovery: used, closing: used}, status=status)

    on(cast.rep, 0, True)  # West 1, this week
    on(cast.rep, 1, False)  # West 1, this week
    on(cast.rep, 8, True)  # West 1, last week
    on(cast.rep, 2, True, status=CallStatus.FAILED)  # not scored
    on(cast.rep, 30, True)  # before the three weeks
    on(cast.other_rep, 15, False)  # West 2, three weeks ago
    shares, calibrated = selectors.team_weekly_adoption(cast.program, day, 3)
    assert shares == {cast.team.pk: [None, 1.0, 0.5], cast.other_team.pk: [0.0, None, None]}
    assert calibrated is False  # no concept has 10 labels: any concept counts
