"""Generate the impact benchmark panel: reps x weeks, 12 staggered cohorts + never trained.

The effect is dynamic: it ramps up over the first weeks after training, then decays, so a
two-way fixed-effects regression would be biased while Callaway & Sant'Anna is not.

    python benchmarks/impact/generate.py --reps 50000 --weeks 104 --out benchmarks/impact/data/panel.parquet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

N_COHORTS = 12


def true_effect(e: np.ndarray, peak: float = 400.0) -> np.ndarray:
    """Effect (revenue per week) e weeks after training: ramp over ~4 weeks, then decay."""
    e = np.asarray(e, dtype=float)
    ramp = 1 - np.exp(-(e + 1) / 2)
    return np.where(e >= 0, peak * ramp * np.exp(-np.maximum(e, 0) / 30), 0.0)


def generate(reps: int, weeks: int, seed: int = 2021) -> pa.Table:
    rng = np.random.default_rng(seed)
    first, last = max(weeks // 5, 2), max(weeks * 3 // 4, 3)
    cohorts = np.linspace(first, last, N_COHORTS).round().astype(np.int64)
    # 40% never trained, the rest spread evenly over the cohorts.
    choice = rng.integers(0, N_COHORTS + 8, size=reps)
    unit_cohort = np.where(choice < N_COHORTS, cohorts[np.minimum(choice, N_COHORTS - 1)], 0)
    coached = rng.random(reps) < 0.5
    level = rng.normal(5000, 800, size=reps)
    season = 300 * np.sin(np.arange(1, weeks + 1) * 2 * np.pi / 52)
    week = np.tile(np.arange(1, weeks + 1, dtype=np.int64), reps)
    rep = np.repeat(np.arange(100_000, 100_000 + reps, dtype=np.int64), weeks)
    cohort = np.repeat(unit_cohort, weeks)
    e = week - cohort
    effect = np.where(cohort > 0, true_effect(e), 0.0) * np.where(np.repeat(coached, weeks), 1.25, 0.75)
    revenue = np.repeat(level, weeks) + season[week - 1] + effect + rng.normal(0, 500, size=reps * weeks)
    return pa.table(
        {
            "rep_id": rep,
            "week": week,
            "revenue": revenue,
            "cohort": cohort,
            "coached": np.repeat(coached, weeks),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "panel.parquet")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(generate(args.reps, args.weeks, args.seed), args.out)
    print(f"wrote {args.reps * args.weeks} rows to {args.out}")


if __name__ == "__main__":
    main()
