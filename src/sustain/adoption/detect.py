"""Technique detection: no database, no network. A concept's profile is a weighted bag of
stemmed words and word pairs from what the program says about it (name, description,
glossary, rubric behaviours) and from the turns managers confirmed; a rep's turn scores
its TF-IDF cosine to the profile. Talking *about* a technique ("we learned discovery in
the workshop") is discounted: naming it is not doing it. See docs/adoption.md."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_THRESHOLD = 0.1
MIN_LABELS_FOR_THRESHOLD = 6  # with at least one of each answer
EVIDENCE_TURNS = 3

_WORD = re.compile(r"[a-z][a-z']*")
STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were while will with would you your yours yourself yourselves okay ok yeah yes um uh
    like well right really get got go going know think let's let also one thing things lot
    bit sure great good thanks thank""".split()  # noqa: SIM905  (a word list reads best as words)
)
# Words of talk *about* a technique rather than its use.
META = frozenset(
    [
        "training",
        "workshop",
        "course",
        "technique",
        "techniques",
        "framework",
        "methodology",
        "module",
        "session",
        "learned",
        "learn",
        "taught",
        "trainer",
        "certification",
        "supposed",
        "slide",
        "slides",
        "acronym",
    ]
)
_SUFFIXES = (
    "ations",
    "ation",
    "ingly",
    "ings",
    "ing",
    "ments",
    "ment",
    "ness",
    "ities",
    "ity",
    "ies",
    "ied",
    "ed",
    "es",
    "ly",
    "s",
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    word = word.strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                word += "y"
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # "planned" → "plann" → "plan"
    return word


def features(text: str) -> Counter[str]:
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]
    stems = [stem(w) for w in words]
    feats: Counter[str] = Counter(stems)
    feats.update(f"{a} {b}" for a, b in itertools.pairwise(stems))
    if "?" in text:
        feats["<question>"] += 1
    return feats


def is_meta(text: str) -> bool:
    return any(w in META for w in _WORD.findall(text.lower()))


@dataclass
class ConceptText:
    """What the program says about one concept, and the turns managers confirmed."""

    key: int
    name: str
    description: str = ""
    terms: Sequence[str] = ()  # glossary terms and their definitions
    behaviours: Sequence[str] = ()  # rubric behaviour names and their proficient levels
    positives: Sequence[str] = ()  # rep turns managers confirmed as a use
    negatives: Sequence[str] = ()  # rep turns managers said were not
    threshold: float = DEFAULT_THRESHOLD


@dataclass
class Profile:
    key: int
    weights: dict[str, float]
    norm: float
    name_stems: frozenset[str]
    threshold: float


@dataclass
class Detection:
    key: int
    score: float
    used: bool
    evidence: list[tuple[str, str, float]] = field(default_factory=list)  # start, text, score
    # The best-scoring turn even below the threshold (what a manager may confirm).
    best_turn: str = ""


def build_profiles(concepts: Sequence[ConceptText]) -> list[Profile]:
    """Profiles over the program's concepts; a word shared by every concept weighs little."""
    bags: list[defaultdict[str, float]] = []
    for c in concepts:
        bag: defaultdict[str, float] = defaultdict(float)
        for text, weight in (
            [(c.name, 0.5), (c.description, 1.0)]
            + [(t, 1.5) for t in c.terms]
            + [(b, 1.0) for b in c.behaviours]
            + [(p, 2.0) for p in c.positives]
        ):
            for f, n in features(text).items():
                bag[f] += weight * (1 + math.log(n))
        for neg in c.negatives:
            for f in features(neg):
                if f in bag:
                    bag[f] *= 0.7
        bags.append(bag)
    n = len(bags)
    df: Counter[str] = Counter(f for bag in bags for f in bag)
    profiles = []
    for c, bag in zip(concepts, bags, strict=True):
        weights = {f: w * math.log(1 + n / df[f]) for f, w in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        name_stems = frozenset(f for f in features(c.name) if " " not in f)
        profiles.append(Profile(c.key, weights, norm, name_stems, c.threshold))
    return profiles


def score_turn(profile: Profile, feats: Counter[str], meta: bool) -> float:
    dot = 0.0
    tnorm = 0.0
    for f, n in feats.items():
        tf = 1 + math.log(n)
        tnorm += tf * tf
        w = profile.weights.get(f)
        if w:
            dot += tf * w
    if not dot:
        return 0.0
    # Cosine, with a turn's length counted only up to ~25 words so a long monologue
    # that does the technique is not diluted by everything else it says.
    score = dot / (profile.norm * math.sqrt(min(tnorm, 40.0)) + 1e-9)
    if meta and profile.name_stems & feats.keys():
        score *= 0.35
    return min(score, 1.0)


def detect(profiles: Sequence[Profile], rep_turns: Iterable[tuple[str, str]]) -> list[Detection]:
    """One detection per profile over a call's rep turns (start, text): the call's score
    is its best turn's; evidence is the best turns at or above the threshold."""
    best: dict[int, list[tuple[float, str, str]]] = {p.key: [] for p in profiles}
    for start, text in rep_turns:
        feats = features(text)
        if not feats:
            continue
        meta = is_meta(text)
        for p in profiles:
            s = score_turn(p, feats, meta)
            if s > 0:
                top = best[p.key]
                top.append((s, start, text))
                if len(top) > 4 * EVIDENCE_TURNS:
                    top.sort(reverse=True)
                    del top[EVIDENCE_TURNS:]
    out = []
    for p in profiles:
        top = sorted(best[p.key], reverse=True)[:EVIDENCE_TURNS]
        score = top[0][0] if top else 0.0
        used = score >= p.threshold
        evidence = [(st, tx, s) for s, st, tx in top if s >= p.threshold] if used else []
        out.append(Detection(p.key, round(score, 4), used, evidence, top[0][2] if top else ""))
    return out


def learn_threshold(labeled: Sequence[tuple[float, bool]]) -> float | None:
    """The cut that best agrees with managers' labels (score, used), halfway between
    neighbouring scores; None until there are enough labels of both kinds."""
    if len(labeled) < MIN_LABELS_FOR_THRESHOLD:
        return None
    if all(u for _, u in labeled) or not any(u for _, u in labeled):
        return None
    scores = sorted({s for s, _ in labeled})
    cuts = [(a + b) / 2 for a, b in itertools.pairwise(scores)]
    cuts += [scores[0] - 1e-6, scores[-1] + 1e-6]

    def agreement(cut: float) -> tuple[int, float]:
        right = sum((s >= cut) == u for s, u in labeled)
        return right, -abs(cut - DEFAULT_THRESHOLD)  # ties: stay near the default

    return max(cuts, key=agreement)


@dataclass
class Agreement:
    labels: int
    precision: float | None
    recall: float | None
    kappa: float | None


def agreement(pairs: Sequence[tuple[bool, bool]]) -> Agreement:
    """(detected, labeled) pairs → precision, recall and Cohen's kappa."""
    n = len(pairs)
    tp = sum(d and lab for d, lab in pairs)
    fp = sum(d and not lab for d, lab in pairs)
    fn = sum(lab and not d for d, lab in pairs)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    kappa = None
    if n:
        observed = sum(d == lab for d, lab in pairs) / n
        p_d = sum(d for d, _ in pairs) / n
        p_l = sum(lab for _, lab in pairs) / n
        expected = p_d * p_l + (1 - p_d) * (1 - p_l)
        kappa = 1.0 if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(n, precision, recall, kappa)
