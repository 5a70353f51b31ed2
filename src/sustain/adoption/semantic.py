"""The semantic detector: a rep turn's sentence embedding (all-MiniLM-L6-v2, see embed.py)
against each concept's profile — the normalised mean of what the program says about it
(description, glossary, rubric behaviours, the name at half weight) and of the turns
managers confirmed (double weight), minus a share of the turns they rejected.

Rep turns are split into sentences. Two passes, for speed: a static table distilled here
from the same model (data/static-minilm.npz, scripts/build-static-embeddings) ranks all of
a call's rep sentences per concept at almost no cost; the best SCREEN_TURNS of each
concept are then embedded by the model, and only those scores count. The lexical detector (detect.py) is the fallback
when the model cannot be loaded. Same interface as detect.py: build_profiles, detect."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np

from sustain.adoption import detect as lexical
from sustain.adoption import embed
from sustain.adoption.detect import ConceptText, Detection

NAME = "semantic"
DEFAULT_THRESHOLD = 0.15
# A turn close to another concept as much as to this one is not this one: the score is the
# cosine to this profile minus this share of the best cosine to another concept's.
CONTRAST = 0.5
SCREEN_TURNS = 4  # sentences per concept and call, embedded by the model after the static pass
REJECTED_WEIGHT = 0.35  # how far the rejected turns push the profile away
_SENTENCE = re.compile(r"(?<=[.?!])\s+")
_WORDY = re.compile(r"[A-Za-z]{2}")
STATIC_FILE = Path(__file__).parent / "data" / "static-minilm.npz"
STATIC_SHA256 = "327f06510b86272ef60bf0000380702be27666534a619246015215887f69313e"


@dataclass
class SemanticProfile:
    key: int
    vector: np.ndarray  # 384, unit length
    static: np.ndarray  # 128, unit length
    name_stems: frozenset[str]
    threshold: float


class _Vectors:
    """Sentence vectors by text, kept for the process (profiles and labeled turns repeat)."""

    def __init__(self, size: int = 20_000):
        self.size = size
        self.cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def __call__(self, texts: Sequence[str], keep: bool = True) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        fresh: dict[str, np.ndarray] = dict(
            zip(missing, embed.get_embedder().embed(missing), strict=True)
        )
        out = np.stack([fresh[t] if t in fresh else self.cache[t] for t in texts])
        if keep:
            for t, v in fresh.items():
                self.cache[t] = v
            while len(self.cache) > self.size:
                self.cache.popitem(last=False)
        return out


vectors = _Vectors()


@lru_cache(maxsize=1)
def _static_table() -> np.ndarray:
    data = STATIC_FILE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != STATIC_SHA256:
        raise embed.ModelUnavailable(f"{STATIC_FILE.name} has sha256 {digest}")
    with np.load(STATIC_FILE) as z:
        if str(z["model_sha256"]) != embed.MODEL_SHA256:
            raise embed.ModelUnavailable(f"{STATIC_FILE.name} was built from another model")
        table: np.ndarray = z["vectors"].astype(np.float32) * z["scale"][:, None]
    # Word pieces of no meaning ([PAD], [CLS], [SEP], punctuation-only) count for nothing.
    tok = embed.get_embedder().tokenizer
    for piece, i in tok.get_vocab().items():
        if piece.startswith("[") or not any(ch.isalnum() for ch in piece):
            table[i] = 0.0
    return table


def static_vectors(texts: Sequence[str]) -> np.ndarray:
    table = _static_table()
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for row, enc in enumerate(embed.get_embedder().tokenizer.encode_batch(list(texts))):
        ids = [
            i
            for i, w in zip(enc.ids, enc.tokens, strict=True)
            if w.lstrip("#") not in lexical.STOPWORDS
        ]
        if ids:
            out[row] = table[ids].mean(axis=0)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


def available() -> bool:
    try:
        _static_table()
    except (embed.ModelUnavailable, OSError):
        return False
    return True


def build_profiles(concepts: Sequence[ConceptText]) -> list[SemanticProfile]:
    profiles = []
    for c in concepts:
        weighted = (
            [(c.name, 0.5)]
            + [(t, 1.0) for t in (c.description, *c.terms, *c.behaviours) if t]
            + [(p, 2.0) for p in c.positives]
        )
        texts = [t for t, _ in weighted]
        w = np.array([x for _, x in weighted], dtype=np.float32)[:, None]
        neg = list(c.negatives)
        vec = (vectors(texts) * w).sum(axis=0) / w.sum()
        stat = (static_vectors(texts) * w).sum(axis=0) / w.sum()
        if neg:
            vec = vec - REJECTED_WEIGHT * vectors(neg).mean(axis=0)
            stat = stat - REJECTED_WEIGHT * static_vectors(neg).mean(axis=0)
        threshold = DEFAULT_THRESHOLD if c.threshold == lexical.DEFAULT_THRESHOLD else c.threshold
        name_stems = frozenset(f for f in lexical.features(c.name) if " " not in f)
        profiles.append(SemanticProfile(c.key, _unit(vec), _unit(stat), name_stems, threshold))
    return profiles


def _discount(profile: SemanticProfile, text: str) -> float:
    """Naming the technique while talking about training is not doing it."""
    if lexical.is_meta(text) and profile.name_stems & lexical.features(text).keys():
        return 0.35
    return 1.0


def score_turns(
    profiles: Sequence[SemanticProfile], turns: Sequence[str], keep: bool = False
) -> np.ndarray:
    """Model scores of every turn against every profile (turns by profiles), no screen."""
    if not turns:
        return np.zeros((0, len(profiles)), dtype=np.float32)
    raw = vectors(turns, keep=keep) @ np.stack([p.vector for p in profiles]).T
    sims = raw.copy()
    if len(profiles) > 1:
        for j in range(len(profiles)):
            sims[:, j] -= CONTRAST * np.delete(raw, j, axis=1).max(axis=1)
    for j, p in enumerate(profiles):
        for i, t in enumerate(turns):
            sims[i, j] *= _discount(p, t)
    return cast(np.ndarray, np.clip(sims, 0.0, 1.0))


def detect(
    profiles: Sequence[SemanticProfile], rep_turns: Iterable[tuple[str, str]]
) -> list[Detection]:
    # Sentences, not whole turns: a technique is usually one sentence, a long turn would
    # dilute it, and the model's cost grows with the words it reads.
    turns = [(s, x) for s, t in rep_turns for x in _SENTENCE.split(t.strip()) if _WORDY.search(x)]
    if not profiles:
        return []
    if not turns:
        return [Detection(p.key, 0.0, False, []) for p in profiles]
    texts = [t for _, t in turns]
    screen = static_vectors(texts) @ np.stack([p.static for p in profiles]).T
    keep = sorted(
        {int(i) for j in range(len(profiles)) for i in np.argsort(-screen[:, j])[:SCREEN_TURNS]}
    )
    sims = score_turns(profiles, [texts[i] for i in keep])
    out = []
    for j, p in enumerate(profiles):
        ranked = sorted(
            ((float(sims[r, j]), keep[r]) for r in range(len(keep))), key=lambda x: -x[0]
        )[: lexical.EVIDENCE_TURNS]
        score = ranked[0][0] if ranked else 0.0
        used = score >= p.threshold
        evidence = (
            [(turns[i][0], turns[i][1], s) for s, i in ranked if s >= p.threshold] if used else []
        )
        best = turns[ranked[0][1]][1] if ranked and score > 0 else ""
        out.append(Detection(p.key, round(score, 4), used, evidence, best))
    return out
