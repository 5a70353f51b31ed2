"""Which detector scores a program's calls: the semantic one (semantic.py) when its model
loads, else the lexical one (detect.py). Setting ADOPTION_DETECTOR = "semantic" | "lexical"
(environment SUSTAIN_ADOPTION_DETECTOR); "semantic" falls back to lexical, with a log line,
when the model's packages are missing or a file's hash differs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings

from sustain.adoption import detect, semantic

log = logging.getLogger(__name__)
LEXICAL, SEMANTIC = "lexical", "semantic"
CHOICES = (SEMANTIC, LEXICAL)


@dataclass(frozen=True)
class Detector:
    name: str
    build_profiles: Callable[[Sequence[detect.ConceptText]], list[Any]]
    detect: Callable[[Sequence[Any], Sequence[tuple[str, str]]], list[detect.Detection]]
    # (profiles, texts) → one score a text per profile, for the best turn and calibration
    score_texts: Callable[[Sequence[Any], Sequence[str]], list[list[float]]]


def _lexical_scores(profiles: Sequence[detect.Profile], texts: Sequence[str]) -> list[list[float]]:
    out = []
    for t in texts:
        feats, meta = detect.features(t), detect.is_meta(t)
        out.append([detect.score_turn(p, feats, meta) for p in profiles])
    return out


def _semantic_scores(
    profiles: Sequence[semantic.SemanticProfile], texts: Sequence[str]
) -> list[list[float]]:
    return cast(list[list[float]], semantic.score_turns(profiles, list(texts), keep=True).tolist())


LEXICAL_DETECTOR = Detector(LEXICAL, detect.build_profiles, detect.detect, _lexical_scores)
SEMANTIC_DETECTOR = Detector(SEMANTIC, semantic.build_profiles, semantic.detect, _semantic_scores)


def default_threshold(detector: Detector) -> float:
    return semantic.DEFAULT_THRESHOLD if detector.name == SEMANTIC else detect.DEFAULT_THRESHOLD


def configured() -> str:
    name = getattr(settings, "ADOPTION_DETECTOR", SEMANTIC)
    return name if name in CHOICES else SEMANTIC


def current() -> Detector:
    """The configured detector, or the lexical one when the model is unavailable."""
    if configured() == SEMANTIC:
        if semantic.available():
            return SEMANTIC_DETECTOR
        log.warning("adoption: the embedding model is unavailable; using the lexical detector")
    return LEXICAL_DETECTOR
