"""The semantic detector: the real embedding model (no network), its fallback, and
calibration figures that never grade the detector on the labels it learned from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import Settings

from sustain.adoption import detect, detectors, embed, selectors, semantic
from sustain.adoption.models import Detection, Label
from sustain.programs.models import Concept
from tests.adoption.conftest import BUYER_ONLY_CALL, GOOD_CALL, vtt
from tests.adoption.test_services import make_call
from tests.conftest import Api, Cast, Login

# A discovery question in words the program never uses.
REWORDED_CALL = vtt(
    ("Rita Rep", "Good to see you again."),
    ("Bob Buyer", "Likewise."),
    ("Rita Rep", "What is the hardest problem your people struggle with at the moment?"),
    ("Bob Buyer", "Mostly late data from the regions."),
)


@pytest.fixture
def use_semantic(settings: Settings) -> None:
    settings.ADOPTION_DETECTOR = "semantic"
    selectors._profiles_cache.clear()


@pytest.fixture
def model_reset(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Forget the loaded model so a test can make loading fail; restored afterwards."""
    monkeypatch.setattr(embed, "_embedder", None)
    monkeypatch.setattr(embed, "_error", None)
    semantic._static_table.cache_clear()
    yield
    semantic._static_table.cache_clear()


def test_the_model_embeds_offline_and_knows_paraphrases() -> None:
    v = embed.get_embedder().embed(
        [
            "What does the downtime cost you each month?",
            "How much money do you lose every month when the system is down?",
            "I will send the contract on Tuesday.",
        ]
    )
    assert v.shape == (3, 384)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.3


def test_it_refuses_a_model_file_that_differs_and_falls_back_to_lexical(
    cast: Cast, settings: Settings, model_reset: None, monkeypatch: pytest.MonkeyPatch, login: Login
) -> None:
    settings.ADOPTION_DETECTOR = "semantic"
    monkeypatch.setattr(embed, "MODEL_SHA256", "0" * 64)
    with pytest.raises(embed.ModelUnavailable, match="sha256"):
        embed.get_embedder()
    assert detectors.current().name == "lexical"
    assert "the embedding model is unavailable" in (
        login(cast.manager).get(f"/adoption/program/{cast.program.pk}/").content.decode()
    )


def test_it_refuses_a_static_table_that_differs(
    settings: Settings, model_reset: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings.ADOPTION_DETECTOR = "semantic"
    forged = tmp_path / "static.npz"
    forged.write_bytes(semantic.STATIC_FILE.read_bytes() + b"x")
    monkeypatch.setattr(semantic, "STATIC_FILE", forged)
    assert detectors.current().name == "lexical"


def test_it_finds_a_reworded_use_the_lexical_detector_misses(
    cast: Cast, discovery: Concept, use_semantic: None
) -> None:
    call = make_call(cast, REWORDED_CALL)
    found = Detection.objects.get(call=call, concept=discovery)
    assert found.detector == "semantic"
    assert found.used
    assert "hardest problem" in found.evidence[0]["text"]
    assert call.transcript is not None
    lexical = detect.detect(
        detect.build_profiles(selectors.concept_texts(cast.program, detectors.LEXICAL_DETECTOR)),
        [("", t[2]) for t in call.transcript if t[3]],
    )
    assert not next(d for d in lexical if d.key == discovery.pk).used


def test_the_buyer_saying_it_still_does_not_count(
    cast: Cast, discovery: Concept, use_semantic: None
) -> None:
    call = make_call(cast, BUYER_ONLY_CALL)
    assert not Detection.objects.get(call=call, concept=discovery).used


def test_calibration_is_not_graded_on_the_detections_the_labels_taught(
    cast: Cast, discovery: Concept, use_semantic: None
) -> None:
    calls = [make_call(cast, GOOD_CALL, dt.date(2026, 10, d)) for d in range(1, 7)]
    calls += [make_call(cast, BUYER_ONLY_CALL, dt.date(2026, 10, d)) for d in range(7, 13)]
    # Managers label two calls against what the transcript shows.
    for n, call in enumerate(calls):
        Label.objects.create(call=call, concept=discovery, used=(n < 6) != (n in (0, 6)))
    before = next(r for r in selectors.calibration(cast.program) if r.concept == discovery)
    # Detections fitted to the labels would agree perfectly in sample; the figures are
    # out of sample and do not move.
    for call in calls:
        label = Label.objects.get(call=call, concept=discovery)
        Detection.objects.filter(call=call, concept=discovery).update(used=label.used)
    after = next(r for r in selectors.calibration(cast.program) if r.concept == discovery)
    assert after.labels == before.labels == 12 and after.calibrated
    assert (after.precision, after.recall, after.kappa) == (
        before.precision,
        before.recall,
        before.kappa,
    )
    assert after.kappa is not None and after.kappa < 1


def test_the_calibration_api_and_page_say_how_they_were_validated(
    cast: Cast, discovery: Concept, use_semantic: None, api: Api, login: Login
) -> None:
    calls = [make_call(cast, GOOD_CALL, dt.date(2026, 10, d)) for d in range(1, 6)]
    calls += [make_call(cast, BUYER_ONLY_CALL, dt.date(2026, 10, d)) for d in range(6, 11)]
    for n, call in enumerate(calls):
        Label.objects.create(call=call, concept=discovery, used=n < 5)
    body = api(cast.owner).get(f"/programs/{cast.program.pk}/adoption/calibration").json()
    assert body["validation"] == "5-fold cross-validation by call"
    assert body["detector"] == "semantic"
    row = next(c for c in body["concepts"] if c["concept"] == discovery.pk)
    assert row["labels"] == 10 and row["calibrated"] and row["kappa"] == 1.0
    page = login(cast.manager).get(f"/adoption/program/{cast.program.pk}/").content.decode()
    assert "(10 labels, cross-validated)" in page
    assert "Detector: semantic" in page


def test_a_workers_profiles_follow_labels_and_the_programs_text(
    cast: Cast, discovery: Concept
) -> None:
    lexical = detectors.LEXICAL_DETECTOR
    selectors._profiles_cache.clear()
    first = selectors.profiles(cast.program, lexical)
    assert selectors.profiles(cast.program, lexical) is first  # kept between calls
    discovery.description = "Ask who owns the budget and when they decide."
    discovery.save(update_fields=["description"])
    second = selectors.profiles(cast.program, lexical)
    assert second is not first
    Label.objects.create(call=make_call(cast), concept=discovery, used=True)
    assert selectors.profiles(cast.program, lexical) is not second
