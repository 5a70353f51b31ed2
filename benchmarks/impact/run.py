"""Time sustain.impact and reference implementations as whole processes on the same Parquet.

    ../../.venv/bin/python run.py [--skip differences] [--slow-reps 5000]

Each measurement is one process launch under /usr/bin/time (wall clock including interpreter
start-up and reading the file; peak RSS). Estimates are compared cell by cell with sustain's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_PY = HERE.parents[1] / ".venv" / "bin" / "python"
BENCH_PY = HERE / ".venv" / "bin" / "python"
COLUMNS = ["--unit", "rep_id", "--time", "week", "--outcome", "revenue", "--cohort", "cohort"]
REFERENCES = ("diff-diff", "csdid", "moderndid", "differences")


def timed(cmd: list[str], stdout: Path | None = None) -> tuple[float, float]:
    """Run cmd; return (wall seconds, peak RSS in MB)."""
    with tempfile.NamedTemporaryFile(suffix=".time") as stats:
        out = open(stdout, "w") if stdout else subprocess.DEVNULL  # noqa: SIM115
        subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", stats.name, *cmd], stdout=out, check=True
        )
        wall, rss = Path(stats.name).read_text().split()[-2:]
    return float(wall), float(rss) / 1024


def cells(path: Path, key: str | None = None) -> dict[tuple[float, float], tuple[float, float]]:
    data = json.loads(path.read_text())
    rows = data[key] if key else data
    return {(r["group"], r["time"]): (r["att"], r["se"]) for r in rows}


def agreement(ours: Path, theirs: Path) -> str:
    a, b = cells(ours, "att_gt"), cells(theirs)
    common = a.keys() & b.keys()
    d_att = max(abs(a[k][0] - b[k][0]) for k in common)
    d_se = max(abs(a[k][1] - b[k][1]) for k in common)
    return f"{len(common)}/{len(a)} cells, max |dATT| {d_att:.2e}, max |dSE| {d_se:.2e}"


def panel_for(reps: int, weeks: int) -> Path:
    path = HERE / "data" / f"panel_{reps}x{weeks}.parquet"
    if not path.exists():
        subprocess.run(
            [
                str(PROJECT_PY),
                str(HERE / "generate.py"),
                "--reps",
                str(reps),
                "--weeks",
                str(weeks),
                "--out",
                str(path),
            ],
            check=True,
        )
    return path


def measure_sustain(panel: Path, out: Path, bootstrap: int) -> list[tuple[str, float, float, str]]:
    rows = []
    wall, rss = timed([str(PROJECT_PY), str(HERE / "floor.py"), str(panel)])
    rows.append(("floor (read + cohort-by-week means)", wall, rss, ""))
    cmd = [str(PROJECT_PY), "-m", "sustain.impact", str(panel), *COLUMNS]
    wall, rss = timed(cmd, out)
    rows.append(("sustain impact (analytic SEs)", wall, rss, ""))
    if bootstrap:
        wall, rss = timed([*cmd, "--bootstrap", str(bootstrap), "--seed", "1"])
        rows.append((f"sustain impact --bootstrap {bootstrap}", wall, rss, ""))
    return rows


def measure_dr(panel: Path) -> int:
    covariates = panel.with_name(panel.stem + "_cov.parquet")
    if not covariates.exists():
        subprocess.run(
            [str(PROJECT_PY), str(HERE / "covariates.py"), str(panel), str(covariates)], check=True
        )
    work = Path(tempfile.mkdtemp(prefix="impact-bench-dr-"))
    ours, theirs = work / "sustain.json", work / "diff-diff-dr.json"
    cmd = [str(PROJECT_PY), "-m", "sustain.impact", str(covariates), *COLUMNS]
    wall, rss = timed([*cmd, "--covariates", "tenure,territory", "--method", "dr"], ours)
    print("| run | wall s | peak RSS MB | vs sustain | estimates vs sustain |")
    print("|---|---|---|---|---|")
    print(
        f"| sustain impact --covariates tenure,territory --method dr | {wall:.2f} | {rss:.0f} | 1.00x | |"
    )
    ref_wall, ref_rss = timed(
        [str(BENCH_PY), str(HERE / "refs.py"), "diff-diff-dr", str(covariates), str(theirs)]
    )
    print(
        f"| diff-diff CallawaySantAnna(estimation_method='dr') | {ref_wall:.2f} | {ref_rss:.0f} | "
        f"{ref_wall / wall:.2f}x | {agreement(ours, theirs)} |",
        flush=True,
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--skip", nargs="*", default=[], choices=REFERENCES)
    parser.add_argument(
        "--slow",
        nargs="*",
        default=["differences"],
        choices=REFERENCES,
        help="references run on the reduced panel (--slow-reps) instead",
    )
    parser.add_argument("--slow-reps", type=int, default=5_000)
    parser.add_argument("--bootstrap", type=int, default=999)
    parser.add_argument(
        "--dr",
        action="store_true",
        help="only the covariate case: sustain --covariates tenure,territory --method dr "
        "vs diff-diff's CallawaySantAnna(estimation_method='dr') on the same panel",
    )
    args = parser.parse_args()
    if args.dr:
        return measure_dr(panel_for(args.reps, args.weeks))
    work = Path(tempfile.mkdtemp(prefix="impact-bench-"))
    sizes = [(args.reps, [t for t in REFERENCES if t not in args.skip + args.slow], args.bootstrap)]
    slow = [t for t in args.slow if t not in args.skip]
    if slow:
        sizes.append((args.slow_reps, slow, 0))
    print("| panel | run | wall s | peak RSS MB | vs sustain | estimates vs sustain |")
    print("|---|---|---|---|---|---|")
    for reps, tools, boot in sizes:
        panel = panel_for(reps, args.weeks)
        label = f"{reps}x{args.weeks}"
        ours = work / f"sustain_{reps}.json"
        rows = measure_sustain(panel, ours, boot)
        base = rows[1][1]
        for name, wall, rss, _ in rows:
            print(
                f"| {label} | {name} | {wall:.2f} | {rss:.0f} | {wall / base:.2f}x | |", flush=True
            )
        for tool in tools:
            out = work / f"{tool}_{reps}.json"
            wall, rss = timed([str(BENCH_PY), str(HERE / "refs.py"), tool, str(panel), str(out)])
            print(
                f"| {label} | {tool} | {wall:.2f} | {rss:.0f} | {wall / base:.2f}x | "
                f"{agreement(ours, out)} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
