"""Fit one reference implementation on the benchmark panel and dump its ATT(g,t) as JSON.

    .venv/bin/python refs.py TOOL PANEL.parquet OUT.json

TOOL is one of diff-diff, csdid, moderndid, differences, or diff-diff-dr (doubly robust
with the covariates tenure and territory of covariates.py).

Every tool runs never-treated controls, varying base period, analytic SEs; unconditional
except diff-diff-dr.
"""

from __future__ import annotations

import json
import sys
import warnings

import pandas as pd


def fit_diff_diff(df: pd.DataFrame) -> list[dict[str, float]]:
    from diff_diff import CallawaySantAnna

    res = CallawaySantAnna(control_group="never_treated", n_bootstrap=0).fit(
        df,
        outcome="revenue",
        unit="rep_id",
        time="week",
        first_treat="cohort",
        aggregate="event_study",
    )
    return [
        {"group": g, "time": t, "att": v["effect"], "se": v["se"]}
        for (g, t), v in res.group_time_effects.items()
    ]


def fit_diff_diff_dr(df: pd.DataFrame) -> list[dict[str, float]]:
    from diff_diff import CallawaySantAnna

    res = CallawaySantAnna(
        control_group="never_treated", estimation_method="dr", n_bootstrap=0
    ).fit(
        df,
        outcome="revenue",
        unit="rep_id",
        time="week",
        first_treat="cohort",
        covariates=["tenure", "territory"],
        aggregate="event_study",
    )
    return [
        {"group": g, "time": t, "att": v["effect"], "se": v["se"]}
        for (g, t), v in res.group_time_effects.items()
    ]


def fit_csdid(df: pd.DataFrame) -> list[dict[str, float]]:
    from csdid.att_gt import ATTgt

    model = ATTgt(
        yname="revenue",
        tname="week",
        idname="rep_id",
        gname="cohort",
        data=df,
        control_group=["nevertreated"],
    )
    r = model.fit(est_method="dr", bstrap=False).results
    return [
        {"group": g, "time": t, "att": a, "se": s}
        for g, t, a, s in zip(r["group"], r["year"], r["att"], r["se"], strict=True)
    ]


def fit_moderndid(df: pd.DataFrame) -> list[dict[str, float]]:
    from moderndid import att_gt

    res = att_gt(
        df,
        yname="revenue",
        tname="week",
        idname="rep_id",
        gname="cohort",
        control_group="nevertreated",
        boot=False,
    )
    return [
        {"group": g, "time": t, "att": a, "se": s}
        for g, t, a, s in zip(res.groups, res.times, res.att_gt, res.se_gt, strict=True)
    ]


def fit_differences(df: pd.DataFrame) -> list[dict[str, float]]:
    from differences import ATTgt

    data = df.assign(cohort=df.cohort.where(df.cohort > 0)).set_index(["rep_id", "week"])
    res = ATTgt(data=data, cohort_column="cohort").fit(
        formula="revenue", control_group="never_treated", progress_bar=False
    )
    table = res.to_pandas()
    table.columns = [
        "_".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in table.columns
    ]
    att = next(c for c in table.columns if c.endswith("ATT"))
    se = next(c for c in table.columns if c.endswith("std_error"))
    out = []
    for idx, row in table.iterrows():
        names = dict(zip(table.index.names, idx, strict=True))
        out.append(
            {"group": names["cohort"], "time": names["time"], "att": row[att], "se": row[se]}
        )
    return out


TOOLS = {
    "diff-diff": fit_diff_diff,
    "diff-diff-dr": fit_diff_diff_dr,
    "csdid": fit_csdid,
    "moderndid": fit_moderndid,
    "differences": fit_differences,
}


def main(tool: str, panel: str, out: str) -> None:
    warnings.filterwarnings("ignore")
    columns = ["rep_id", "week", "revenue", "cohort"]
    if tool.endswith("-dr"):
        columns += ["tenure", "territory"]
    df = pd.read_parquet(panel, columns=columns)
    rows = TOOLS[tool](df)
    with open(out, "w") as fh:
        json.dump([{k: float(v) for k, v in r.items()} for r in rows], fh)


if __name__ == "__main__":
    main(*sys.argv[1:4])
