"""Writes a long KPI panel: REPS reps x WEEKS weeks x 4 KPIs (default 1,000,000 rows).

`generate.py PATH [REPS [WEEKS]]`
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def main(path: str = "benchmarks/import/panel.csv", reps: int = 4808, weeks: int = 52) -> None:
    rng = np.random.default_rng(1)
    kpis = np.array(["revenue", "wins", "win_rate", "cycle_days"])
    rep = np.repeat(np.arange(reps), weeks * len(kpis))
    week = np.tile(np.repeat(np.arange(weeks), len(kpis)), reps)
    frame = pd.DataFrame(
        {
            "rep": pd.Series(rep).map(lambda i: f"rep{i}@bench.example"),
            "period": (pd.Timestamp("2025-01-06") + pd.to_timedelta(week * 7, unit="D")).strftime(
                "%Y-%m-%d"
            ),
            "kpi": np.tile(kpis, reps * weeks),
            "value": rng.gamma(2.0, 500.0, len(rep)).round(2),
        }
    )
    frame.to_csv(path, index=False)
    print(f"{len(frame):,} rows -> {path}")


if __name__ == "__main__":
    main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:4]))
