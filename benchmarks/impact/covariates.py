"""Add two rep-level covariates to the benchmark panel (for the doubly robust case).

    ../../.venv/bin/python covariates.py data/panel_50000x104.parquet data/panel_cov.parquet

``tenure`` (years) and ``territory`` (accounts) are constant per rep; tenure also tilts the
revenue trend, so conditioning on it matters.
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def main(source: str, target: str) -> None:
    table = pq.read_table(source)
    reps = table.column("rep_id").to_numpy()
    rng = np.random.default_rng(5)
    ids = np.unique(reps)
    tenure = dict(zip(ids, rng.gamma(2.0, 2.0, len(ids)), strict=True))
    territory = dict(zip(ids, rng.poisson(40, len(ids)).astype(float), strict=True))
    lookup = np.searchsorted(ids, reps)
    t = np.asarray([tenure[i] for i in ids])[lookup]
    a = np.asarray([territory[i] for i in ids])[lookup]
    week = table.column("week").to_numpy()
    revenue = table.column("revenue").to_numpy() + 0.5 * t * week / 52
    table = table.set_column(table.schema.get_field_index("revenue"), "revenue", pa.array(revenue))
    table = table.append_column("tenure", pa.array(t)).append_column("territory", pa.array(a))
    pq.write_table(table, target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
