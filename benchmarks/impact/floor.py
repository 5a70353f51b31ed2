"""The floor: read the Parquet panel and compute cohort-by-week mean outcomes, nothing else."""

from __future__ import annotations

import sys

import numpy as np
from pyarrow import parquet


def main(path: str) -> None:
    table = parquet.ParquetFile(path).read(columns=["week", "revenue", "cohort"])
    week = table.column("week").to_numpy()
    cohort = table.column("cohort").to_numpy()
    revenue = table.column("revenue").to_numpy()
    cohorts, code = np.unique(cohort, return_inverse=True)
    key = code * (week.max() + 1) + week
    sums = np.bincount(key, weights=revenue)
    counts = np.bincount(key)
    means = sums[counts > 0] / counts[counts > 0]
    print(len(cohorts), means.size)


if __name__ == "__main__":
    main(sys.argv[1])
