"""``sustain impact PANEL ...``: estimate a training's effect from a CSV or Parquet panel.

Imports stay light at module level (argparse, json, sys): numpy, pyarrow and scipy load only
when a panel is actually estimated, so ``--help`` and the Django-free wiring stay fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2
EXIT_NUMERICAL = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sustain impact",
        description=(
            "Estimate the effect of a staggered training program on a KPI with Callaway & "
            "Sant'Anna (2021) difference-in-differences: group-time effects, overall effect, "
            "event study, pre-trend test, optional subgroups and decay."
        ),
    )
    parser.add_argument(
        "panel", metavar="PANEL", help="long panel, .csv or .parquet: one row per unit and period"
    )
    parser.add_argument(
        "--unit", required=True, metavar="COL", help="column identifying the rep (unit)"
    )
    parser.add_argument(
        "--time",
        required=True,
        metavar="COL",
        help="period column: numbers (week number, year), ISO dates/datetimes or codes "
        "(2026-W07, 2026-03, 2026-Q1)",
    )
    parser.add_argument(
        "--outcome", required=True, metavar="COL", help="numeric KPI column; empty = not observed"
    )
    parser.add_argument(
        "--cohort",
        required=True,
        metavar="COL",
        help="first period trained; 0 or empty = never trained",
    )
    parser.add_argument(
        "--control",
        choices=("never", "notyet"),
        default="never",
        help="comparison group: never-trained units (default) or also not-yet-trained ones",
    )
    parser.add_argument(
        "--period",
        choices=("day", "week", "month", "quarter", "year"),
        help="period of date/datetime time values (inferred from their spacing if not given); "
        "codes like 2026-W07, 2026-03, 2026-Q1 carry their own",
    )
    parser.add_argument(
        "--covariates",
        type=_names,
        metavar="A,B",
        help="unit columns for conditional parallel trends (taken at each base period)",
    )
    parser.add_argument(
        "--method",
        choices=("dr", "ipw", "reg"),
        help="estimator with covariates: dr (doubly robust, default), ipw or reg",
    )
    parser.add_argument("--weights", metavar="COL", help="unit-level sampling-weight column")
    parser.add_argument(
        "--cluster",
        metavar="COL",
        help="unit-level column (team, region) to cluster SEs and the bootstrap by",
    )
    parser.add_argument(
        "--by", metavar="COL", help="unit-level column splitting the trained reps into subgroups"
    )
    parser.add_argument(
        "--by-reference",
        metavar="VALUE",
        help="subgroup the others are compared with (default: first value in sorted order)",
    )
    parser.add_argument(
        "--bootstrap",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="multiplier-bootstrap draws for SEs and uniform bands (event study, cohorts, "
        "calendar); 0 = analytic SEs and pointwise intervals (default)",
    )
    parser.add_argument(
        "--bootstrap-weights",
        choices=("rademacher", "mammen"),
        default="rademacher",
        help="bootstrap multipliers: rademacher (did's default) or mammen",
    )
    parser.add_argument(
        "--anticipation",
        type=_non_negative_int,
        default=0,
        metavar="K",
        help="periods before training in which reps may already react (default 0)",
    )
    parser.add_argument(
        "--base-period",
        choices=("varying", "universal"),
        default="varying",
        help="pre-periods vs the period before (varying, did's default) or all vs the last "
        "period before training (universal; needed for --sensitivity)",
    )
    parser.add_argument(
        "--balance-e",
        type=float,
        metavar="E",
        help="event study only over cohorts observed E periods after training, e <= E",
    )
    parser.add_argument(
        "--sensitivity",
        choices=("rm", "smooth"),
        help="HonestDiD sensitivity to violations of parallel trends: rm (relative "
        "magnitudes) or smooth (smoothness); needs --base-period universal",
    )
    parser.add_argument(
        "--sensitivity-e",
        metavar="E|avg",
        help="post-training event time for --sensitivity, or avg for the average "
        "post-training effect (default 0)",
    )
    parser.add_argument(
        "--mbar",
        metavar="LIST",
        help="comma-separated bounds for --sensitivity: Mbar for rm (default 0,0.5,1,1.5,2), "
        "M for smooth (default: five values up to the pre-training slope changes)",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="random seed for the bootstrap")
    parser.add_argument(
        "--period-days",
        type=float,
        metavar="N",
        help="days per time unit (7 for weekly panels): adds the decay report at 90 and 120 days",
    )
    parser.add_argument(
        "--min-e", type=float, metavar="E", help="first event time in the event study"
    )
    parser.add_argument(
        "--max-e", type=float, metavar="E", help="last event time in the event study"
    )
    parser.add_argument(
        "--alpha", type=float, default=0.05, help="1 - confidence level (default 0.05)"
    )
    parser.add_argument(
        "--format", choices=("json", "table"), default="json", help="output format (default json)"
    )
    return parser


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give column names separated by commas")
    return names


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit code (0 ok, 2 bad input or usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors
        return int(exc.code or 0)
    from sustain.impact.errors import ImpactInputError

    try:
        wanted = [args.unit, args.time, args.outcome, args.cohort, args.by]
        wanted += [*(args.covariates or []), args.weights, args.cluster]
        table = _read(Path(args.panel), wanted)
        result = _estimate(table, args)
    except ImpactInputError as exc:
        print(f"sustain impact: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ArithmeticError as exc:  # engine.ImpactNumericalError: never a silent wrong SE
        print(f"sustain impact: numerical error: {exc}", file=sys.stderr)
        return EXIT_NUMERICAL
    out = result.to_dict()
    if args.format == "json":
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(out))
    return 0


def _estimate(table: Any, args: argparse.Namespace) -> Any:
    from sustain.impact.estimate import estimate

    return estimate(
        table,
        unit=args.unit,
        time=args.time,
        outcome=args.outcome,
        cohort=args.cohort,
        control=args.control,
        by=args.by,
        by_reference=args.by_reference,
        bootstrap=args.bootstrap,
        seed=args.seed,
        period_days=args.period_days,
        min_e=args.min_e,
        max_e=args.max_e,
        alpha=args.alpha,
        anticipation=args.anticipation,
        base_period=args.base_period,
        balance_e=args.balance_e,
        bootstrap_weights=args.bootstrap_weights,
        covariates=args.covariates,
        method=args.method,
        weights=args.weights,
        cluster=args.cluster,
        period=args.period,
        sensitivity=args.sensitivity,
        sensitivity_e=args.sensitivity_e,
        mbar=args.mbar,
    )


def _read(path: Path, wanted: list[str | None]) -> Any:
    """Read only the needed columns of a CSV or Parquet file as a pyarrow Table."""
    from sustain.impact.errors import ImpactInputError

    columns = list(dict.fromkeys(c for c in wanted if c is not None))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise ImpactInputError(f"{path}: expected a .csv or .parquet file")
    if not path.is_file():
        raise ImpactInputError(f"{path}: no such file")
    import pyarrow as pa

    try:
        if suffix == ".csv":
            from pyarrow import csv

            names = csv.open_csv(path).schema.names
            _require(path, names, columns)
            return csv.read_csv(path, convert_options=csv.ConvertOptions(include_columns=columns))
        from pyarrow import parquet

        # ParquetFile, unlike read_table, does not import pyarrow.dataset (and with it pandas).
        source = parquet.ParquetFile(path)
        _require(path, source.schema_arrow.names, columns)
        return source.read(columns=columns)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ImpactInputError(f"{path}: cannot read: {exc}") from exc


def _require(path: Path, names: list[str], columns: list[str]) -> None:
    from sustain.impact.errors import ImpactInputError

    missing = [c for c in columns if c not in names]
    if missing:
        raise ImpactInputError(f"{path}: no column(s) {missing}; the file has {names}")


def render_table(out: dict[str, Any]) -> str:
    """A plain-text report of the JSON result."""
    lines = [
        f"Callaway & Sant'Anna DiD on {out['outcome']!r} "
        f"(control: {out['control']}, {out['n_units']} units, {out['n_periods']} periods)",
        "",
        "Overall ATT: " + _estimate_line(out["overall"]),
    ]
    for label in ("dynamic", "group", "calendar"):
        if out.get(f"{label}_overall"):
            lines.append(f"Overall ({label} summary): " + _estimate_line(out[f"{label}_overall"]))
    if out["pretrend"]:
        p = out["pretrend"]
        lines.append(
            f"Pre-trend test, event study (small-sample F): W = {_num(p['stat'])}, "
            f"df = {p['df']}, p = {_num(p['p_value'])}"
        )
    if out.get("pretrend_wald"):
        p = out["pretrend_wald"]
        lines.append(
            f"Pre-trend test, did's Wald over pre-training ATT(g,t): chi2({p['df']}) = "
            f"{_num(p['stat'])}, p = {_num(p['p_value'])}"
        )
    lines += ["", f"Event study ({out['band']} {100 * (1 - out['alpha']):.0f}% intervals)"]
    lines += _event_rows(out["event_study"])
    for value, sub in out.get("by", {}).items():
        lines += ["", f"Subgroup {out['by_column']} = {value}: " + _estimate_line(sub["overall"])]
    diffs = out.get("difference")
    for d in [diffs] if isinstance(diffs, dict) else diffs or []:
        lines.append(f"Difference {d['value']} - {d['reference']}: " + _estimate_line(d))
    if out.get("decay"):
        lines += ["", _decay_text(out["decay"])]
    if out.get("sensitivity"):
        lines += ["", _sensitivity_text(out["sensitivity"])]
    for note in out["notes"]:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"


def _estimate_line(e: dict[str, Any]) -> str:
    return f"{_num(e['att'])} (SE {_num(e['se'])}, CI {_num(e['ci_low'])} .. {_num(e['ci_high'])})"


def _event_rows(rows: list[dict[str, Any]]) -> list[str]:
    out = [f"{'e':>6} {'att':>12} {'se':>12} {'ci_low':>12} {'ci_high':>12}"]
    for r in rows:
        cells = (_num(r[k]) for k in ("att", "se", "ci_low", "ci_high"))
        out.append(f"{r['e']:>6g} " + " ".join(f"{c:>12}" for c in cells))
    return out


def _decay_text(decay: dict[str, Any]) -> str:
    lines = []
    for days, point in decay["points"].items():
        if point["after"] is not None:
            lines.append(f"Average effect from day {days} on: " + _estimate_line(point["after"]))
    if decay["faded_at_period"] is None:
        lines.append("The effect has not faded by the end of the panel.")
    else:
        lines.append(
            f"Effect faded at event time {decay['faded_at_period']:g} "
            f"({decay['faded_at_days']:g} days)"
        )
    return "\n".join(lines)


def _sensitivity_text(sens: dict[str, Any]) -> str:
    name = "relative magnitudes, Mbar" if sens["type"] == "rm" else "smoothness, M"
    target = (
        "average post-training effect" if sens["e"] == "avg" else f"effect at e = {sens['e']:g}"
    )
    o = sens["original"]
    lines = [
        f"Sensitivity (HonestDiD, {name}) of the {target}:",
        f"{'bound':>10} {'ci_low':>12} {'ci_high':>12}",
        f"{'original':>10} {_num(o['ci_low']):>12} {_num(o['ci_high']):>12}",
    ]
    for r in sens["rows"]:
        lines.append(f"{r['mbar']:>10.4g} {_num(r['ci_low']):>12} {_num(r['ci_high']):>12}")
    b = sens["breakdown_mbar"]
    lines.append("Not robust even to a bound of 0." if b is None else f"Breakdown value: {_num(b)}")
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


if __name__ == "__main__":
    sys.exit(main())
