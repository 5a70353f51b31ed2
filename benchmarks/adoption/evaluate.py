"""Precision, recall and Cohen's kappa per concept on the labeled set.

    .venv/bin/python benchmarks/adoption/evaluate.py [lexical|semantic]

Three settings: (1) the program's own text only, the default threshold; (2) thresholds
and confirmed examples learned from managers' labels on one half of the wording, tested on
calls written with the other half (and the reverse), as a program gets after its first
labels; (3) the same with the names of the concepts only (no description, glossary or
rubric), to show what the program's text adds."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[2] / "src")]

from labeled import PROGRAM, calls  # noqa: E402

from sustain.adoption import detect, semantic  # noqa: E402

DETECTOR = sys.argv[1] if len(sys.argv) > 1 else "lexical"
engine = semantic if DETECTOR == "semantic" else detect
DEFAULT = semantic.DEFAULT_THRESHOLD if DETECTOR == "semantic" else detect.DEFAULT_THRESHOLD


def texts(names_only: bool = False) -> list[detect.ConceptText]:
    return [
        detect.ConceptText(
            key=k,
            name=c["name"],
            description="" if names_only else c["description"],
            terms=[] if names_only else c["terms"],
            behaviours=[] if names_only else c["behaviours"],
            threshold=DEFAULT,
        )
        for k, c in enumerate(PROGRAM)
    ]


def run(concepts: list[detect.ConceptText], labeled: list[dict]) -> list[list[detect.Detection]]:
    profiles = engine.build_profiles(concepts)
    return [engine.detect(profiles, [("", t) for t, rep in c["turns"] if rep]) for c in labeled]


def learn(concepts: list[detect.ConceptText], train: list[dict]) -> list[detect.ConceptText]:
    """What labels teach: per-concept thresholds and the confirmed turns as examples."""
    found = run(concepts, train)
    for k, c in enumerate(concepts):
        pairs = [
            (dets[k].score, call["labels"][k]) for dets, call in zip(found, train, strict=True)
        ]
        cut = detect.learn_threshold(pairs)
        c.threshold = cut if cut is not None else c.threshold
        c.positives = [
            e[1]
            for dets, call in zip(found, train, strict=True)
            if call["labels"][k]
            for e in dets[k].evidence
        ]
        c.negatives = [
            e[1]
            for dets, call in zip(found, train, strict=True)
            if not call["labels"][k]
            for e in dets[k].evidence
        ]
    return concepts


def report(title: str, pairs: dict[int, list[tuple[bool, bool]]]) -> None:
    print(f"\n{title}")
    print(f"{'concept':<22} {'labels':>6} {'precision':>9} {'recall':>7} {'kappa':>6}")
    for k, c in enumerate(PROGRAM):
        a = detect.agreement(pairs[k])
        print(
            f"{c['name']:<22} {a.labels:>6} {a.precision or 0:>9.2f} {a.recall or 0:>7.2f} {a.kappa or 0:>6.2f}"
        )


def pairs_of(
    found: list[list[detect.Detection]], labeled: list[dict]
) -> dict[int, list[tuple[bool, bool]]]:
    out: dict[int, list[tuple[bool, bool]]] = {k: [] for k in range(len(PROGRAM))}
    for dets, call in zip(found, labeled, strict=True):
        for k in out:
            out[k].append((dets[k].used, call["labels"][k]))
    return out


def main() -> None:
    print(f"detector: {DETECTOR}")
    everything = calls(seed=7, n=240)
    report(
        "1. Program text only, default threshold", pairs_of(run(texts(), everything), everything)
    )
    a, b = calls(seed=11, n=120, part=0), calls(seed=13, n=120, part=1)
    pairs: dict[int, list[tuple[bool, bool]]] = {k: [] for k in range(len(PROGRAM))}
    for train, test in ((a, b), (b, a)):
        for k, v in pairs_of(run(learn(texts(), train), test), test).items():
            pairs[k] += v
    report("2. After labels on other wording (two-fold, unseen sentences)", pairs)
    report(
        "3. Concept names only, default threshold",
        pairs_of(run(texts(names_only=True), everything), everything),
    )


if __name__ == "__main__":
    main()
