from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sustain.adoption import detect, selectors, services, tasks
from sustain.adoption.models import Call, CallStatus, Detection, Label
from sustain.analysis.attributes import attribute_values
from sustain.orgs.models import Person
from sustain.programs.models import Concept
from tests.adoption.conftest import GOOD_CALL, vtt
from tests.conftest import Cast


def make_call(
    cast: Cast,
    data: bytes = GOOD_CALL,
    date: dt.date = dt.date(2026, 10, 1),
    rep: Person | None = None,
) -> Call:
    call = services.calls_create(
        uploaded_by=None,
        program=cast.program,
        rep=rep or cast.rep,
        date=date,
        uploads=[services.Upload("call.vtt", data)],
    )[0]
    tasks.process_call.call(call.pk)
    call.refresh_from_db()
    return call


def test_a_failure_while_scoring_ends_failed_with_a_message(
    cast: Cast, discovery: Concept, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("the detector broke")

    monkeypatch.setattr(services, "call_process", broken)
    call = make_call(cast)
    assert call.status == CallStatus.FAILED and "the detector broke" in call.error


def test_retention_deletes_old_transcripts_and_keeps_detections(
    cast: Cast, discovery: Concept
) -> None:
    old = make_call(cast, date=timezone.localdate() - dt.timedelta(days=200))
    recent = make_call(cast, date=timezone.localdate() - dt.timedelta(days=10))
    assert services.transcripts_delete_expired() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.transcript is None and old.transcript_deleted_at is not None
    assert recent.transcript is not None
    assert Detection.objects.filter(call=old, used=True).exists()


def test_retention_follows_the_organizations_setting(cast: Cast, discovery: Concept) -> None:
    make_call(cast, date=timezone.localdate() - dt.timedelta(days=40))
    assert services.transcripts_delete_expired() == 0
    services.retention_set(organization=cast.org, retention_days=30)
    assert services.transcripts_delete_expired() == 1


def test_labels_teach_the_threshold(cast: Cast, discovery: Concept) -> None:
    assert selectors.concept_texts(cast.program)[0].threshold == detect.DEFAULT_THRESHOLD
    weak = vtt(("Rita Rep", "How is your team doing today?"), ("Bob", "Fine"))
    for _ in range(4):
        good, bad = make_call(cast), make_call(cast, weak)
        services.label_set(call=good, concept=discovery, used=True, labeled_by=cast.manager)
        services.label_set(call=bad, concept=discovery, used=False, labeled_by=cast.manager)
    assert selectors.concept_texts(cast.program)[0].threshold != detect.DEFAULT_THRESHOLD
    services.program_rescore(program=cast.program)
    agreed = Detection.objects.filter(concept=discovery, call__labels__concept=discovery)
    assert all(d.used == d.call.labels.get().used for d in agreed.select_related("call"))
    assert Label.objects.count() == 8


def test_rescoring_uses_the_labels(cast: Cast, discovery: Concept) -> None:
    call = make_call(
        cast, vtt(("Rita Rep", "Tell me what keeps your forecasting team busy?"), ("Bob", "x"))
    )
    services.label_set(call=call, concept=discovery, used=True, labeled_by=cast.manager)
    before = Detection.objects.get(call=call, concept=discovery).score
    assert services.program_rescore(program=cast.program) == 1
    assert Detection.objects.get(call=call, concept=discovery).score > before


def test_the_adopter_attribute_splits_reps(cast: Cast, discovery: Concept) -> None:
    make_call(cast, date=timezone.localdate())
    values = attribute_values(cast.org, "call_adopter", timezone.localdate())
    assert values[cast.rep.pk] == "adopter" and values[cast.other_rep.pk] == "no calls"


def test_import_calls_reads_a_folder_and_finds_each_rep(
    cast: Cast, discovery: Concept, tmp_path: Path
) -> None:
    (tmp_path / "2026-10-03-rita.vtt").write_bytes(GOOD_CALL)
    (tmp_path / "oscar.txt").write_text("Oscar Otherrep: What matters most to you?\nBob: Price\n")
    out = io.StringIO()
    call_command(
        "import_calls",
        str(tmp_path),
        "--program",
        str(cast.program.pk),
        "--date",
        "2026-10-04",
        stdout=out,
    )
    assert "Imported 2 call(s)" in out.getvalue()
    assert dict(Call.objects.values_list("rep__name", "date")) == {
        "Rita Rep": dt.date(2026, 10, 3),
        "Oscar Otherrep": dt.date(2026, 10, 4),
    }


def test_import_calls_stores_nothing_when_one_file_is_bad(
    cast: Cast, discovery: Concept, tmp_path: Path
) -> None:
    (tmp_path / "a.vtt").write_bytes(GOOD_CALL)
    (tmp_path / "b.txt").write_text("Rita Rep: hello\nno colon here\n")
    with pytest.raises(CommandError, match=r"b.txt, line 2"):
        call_command("import_calls", str(tmp_path), "--program", str(cast.program.pk))
    assert not Call.objects.exists()


def test_the_review_queue_puts_the_concept_of_the_reps_plan_phase_first(
    cast: Cast, discovery: Concept
) -> None:
    from sustain.plans import services as plan_services

    cast.program.enrollments.filter(person=cast.other_rep).update(trained_on=dt.date(2026, 9, 1))
    plan_services.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    day = dt.date(2026, 10, 20)  # the second phase of Rita's plan: Closing
    rita = make_call(cast, date=day)
    # Oscar's call is newer, so without the plan he would come first.
    oscar = services.calls_create(
        uploaded_by=None,
        program=cast.program,
        rep=cast.other_rep,
        date=day,
        uploads=[services.Upload("o.vtt", GOOD_CALL.replace(b"Rita Rep", b"Oscar Otherrep"))],
    )[0]
    tasks.process_call.call(oscar.pk)
    assert selectors.review_queue(cast.program, Call.objects.all())[:2] == [rita, oscar]


def test_the_reaper_fails_a_call_whose_worker_died(cast: Cast, discovery: Concept) -> None:
    from sustain.notify.reaper import reap_stuck_work

    call = make_call(cast)
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.RUNNING, heartbeat_at=long_ago)
    assert reap_stuck_work()["adoption.Call"] == 1
    call.refresh_from_db()
    assert call.status == CallStatus.FAILED and "Re-score" in call.error
