"""Time to parse and score N one-hour calls (default 1,000) with the four-concept program
of the labeled set, and the peak memory.

    .venv/bin/python benchmarks/adoption/timing.py [N] [lexical|semantic]

A one-hour call here: 360 turns alternating rep and buyer, ~9,000 words (150 spoken words
a minute), written as WebVTT with voice tags, as Zoom and Teams export it. Each call is
generated, parsed and scored in turn, as the worker does; the database writes (one row per
concept per call) are not included."""

from __future__ import annotations

import random
import resource
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[2] / "src")]

from evaluate import texts  # noqa: E402
from labeled import BUYER, FILLER, NAMING, POSITIVE  # noqa: E402

from sustain.adoption import detect, parsers, semantic  # noqa: E402

TURNS = 360


def one_hour_call(rng: random.Random) -> bytes:
    pool = FILLER + [s for group in POSITIVE + NAMING for s in group]
    lines = ["WEBVTT", ""]
    for n in range(TURNS):
        rep = n % 2 == 0
        # ~25 words a turn: two or three sentences.
        text = " ".join(
            rng.choice(pool if rep else BUYER + pool) for _ in range(rng.choice((2, 3)))
        )
        t = n * 10
        lines += [
            f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}.000 --> "
            f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60 + 9:02d}.000",
            f"<v {'Rita Rep' if rep else 'Bob Buyer'}>{text}</v>",
            "",
        ]
    return "\n".join(lines).encode()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    detector = sys.argv[2] if len(sys.argv) > 2 else "lexical"
    engine = semantic if detector == "semantic" else detect
    rng = random.Random(1)
    t0 = time.perf_counter()
    profiles = engine.build_profiles(texts())
    load = time.perf_counter() - t0
    words = 0
    generate = parse = score = 0.0
    for _ in range(n):
        t0 = time.perf_counter()
        data = one_hour_call(rng)
        t1 = time.perf_counter()
        turns = parsers.parse("call.vtt", data)
        t2 = time.perf_counter()
        engine.detect(profiles, [(t.start, t.text) for t in turns if t.speaker == "Rita Rep"])
        t3 = time.perf_counter()
        generate, parse, score = generate + t1 - t0, parse + t2 - t1, score + t3 - t2
        words += sum(len(t.text.split()) for t in turns)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{detector}: {n} calls, {words / n:,.0f} words a call")
    print(f"loading the model and building the profiles {load:.1f} s")
    print(
        f"parse {parse:.1f} s, score {score:.1f} s, parse+score {parse + score:.1f} s "
        f"({(parse + score) / n * 1000:.0f} ms a call); generating the files {generate:.1f} s"
    )
    print(f"peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
