"""The command line: JSON keys, option order, help, table, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sustain.impact.cli import main
from tests.impact.synth import make_panel

REQUIRED = ["--unit", "unit", "--time", "week", "--outcome", "y", "--cohort", "cohort"]


@pytest.fixture
def panel_csv(tmp_path: Path) -> Path:
    path = tmp_path / "panel.csv"
    df = make_panel(n_units=200, seed=1)
    cohort = df["cohort"].astype("Int64")
    df["cohort"] = cohort.mask(cohort == 0)  # empty = never trained
    df.to_csv(path, index=False)
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_the_documented_json_keys(
    panel_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run([str(panel_csv), *REQUIRED], capsys)
    data = json.loads(out)
    assert code == 0
    for key in (
        "method",
        "control",
        "outcome",
        "n_units",
        "n_periods",
        "att_gt",
        "overall",
        "event_study",
        "pretrend",
        "band",
    ):
        assert key in data
    assert set(data["att_gt"][0]) == {"group", "time", "att", "se"}
    assert set(data["overall"]) == {"att", "se", "ci_low", "ci_high"}
    assert set(data["event_study"][0]) == {"e", "att", "se", "ci_low", "ci_high"}
    assert set(data["pretrend"]) == {"stat", "df", "p_value"}
    assert data["n_units"] == 200 and data["band"] == "pointwise"


def test_it_accepts_options_in_any_order_and_parquet(
    panel_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parquet = tmp_path / "panel.parquet"
    pd.read_csv(panel_csv).to_parquet(parquet)
    _, first, _ = _run([str(panel_csv), *REQUIRED, "--control", "notyet"], capsys)
    _, second, _ = _run(
        [
            "--control",
            "notyet",
            "--cohort",
            "cohort",
            "--outcome",
            "y",
            str(parquet),
            "--time",
            "week",
            "--unit",
            "unit",
        ],
        capsys,
    )
    assert json.loads(first)["overall"] == json.loads(second)["overall"]
    assert json.loads(first)["control"] == "notyet"


def test_it_reports_subgroups_bootstrap_and_decay(
    panel_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        str(panel_csv),
        *REQUIRED,
        "--by",
        "coached",
        "--bootstrap",
        "99",
        "--seed",
        "3",
        "--period-days",
        "7",
    ]
    code, out, _ = _run(argv, capsys)
    data = json.loads(out)
    assert code == 0 and data["band"] == "uniform"
    assert set(data["by"]) == {"False", "True"}
    assert set(data["by"]["True"]) >= {"overall", "event_study"}
    assert {"att", "se", "ci_low", "ci_high", "value", "reference"} <= set(data["difference"])
    assert set(data["decay"]["points"]) == {"90", "120"}


def test_it_prints_a_table(panel_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([str(panel_csv), *REQUIRED, "--format", "table"], capsys)
    assert code == 0
    assert "Overall ATT" in out and "Event study" in out and "Pre-trend test" in out


def test_it_documents_its_options_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["--help"], capsys)
    assert code == 0
    for option in (
        "--unit",
        "--time",
        "--outcome",
        "--cohort",
        "--control",
        "--by",
        "--bootstrap",
        "--seed",
        "--period-days",
        "--format",
    ):
        assert option in out


def test_it_exits_2_with_a_message_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dup.csv"
    df = make_panel(n_units=20, seed=1)
    pd.concat([df, df.iloc[[5]]]).to_csv(path, index=False)
    code, out, err = _run([str(path), *REQUIRED], capsys)
    assert code == 2 and out == ""
    assert "duplicate (unit, time) rows" in err and "Traceback" not in err


def test_it_exits_2_on_a_missing_file_or_column(
    panel_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["nowhere.csv", *REQUIRED], capsys)
    assert code == 2 and "no such file" in err
    code, _, err = _run([str(panel_csv), *REQUIRED[:-1], "first_week"], capsys)
    assert code == 2 and "first_week" in err


def test_it_exits_2_on_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["panel.csv", "--unit", "u"], capsys)
    assert code == 2 and "required" in err


def test_it_runs_as_python_dash_m(panel_csv: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sustain.impact", str(panel_csv), *REQUIRED, "--format", "table"],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(Path(__file__).parents[2] / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "Overall ATT" in done.stdout


def test_it_exits_2_naming_rows_with_an_infinite_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "inf.csv"
    df = make_panel(n_units=20, seed=1)
    df.loc[30, "y"] = float("inf")
    df.to_csv(path, index=False)
    code, out, err = _run([str(path), *REQUIRED], capsys)
    assert code == 2 and out == ""
    assert "infinite values" in err and "rows 30" in err


def test_it_prints_summaries_both_pretrend_tests_and_design_options(
    panel_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(panel_csv), *REQUIRED, "--anticipation", "1", "--base-period", "universal"]
    code, out, _ = _run([*argv, "--balance-e", "2", "--bootstrap", "99", "--seed", "1"], capsys)
    data = json.loads(out)
    assert code == 0
    for key in ("dynamic_overall", "group_overall", "calendar_overall"):
        assert set(data[key]) == {"att", "se", "ci_low", "ci_high"}
    assert set(data["pretrend_wald"]) == {"stat", "df", "p_value"}
    assert data["anticipation"] == 1 and data["base_period"] == "universal"
    assert (
        data["bootstrap_weights"] == "rademacher" and max(e["e"] for e in data["event_study"]) == 2
    )
    code, out, _ = _run([*argv, "--format", "table", "--bootstrap-weights", "mammen"], capsys)
    assert "did's Wald" in out and "small-sample F" in out and "dynamic summary" in out


def test_it_takes_covariates_weights_and_clusters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "teams.csv"
    df = make_panel(n_units=300, seed=2)
    df["tenure"] = (df["unit"] % 7).astype(float)
    df["team"] = "team-" + (df["unit"] % 30).astype(str)
    df["w"] = 1.0 + (df["unit"] % 3)
    df.to_csv(path, index=False)
    argv = [str(path), *REQUIRED, "--covariates", "tenure", "--cluster", "team", "--weights", "w"]
    code, out, err = _run([*argv, "--method", "ipw"], capsys)
    data = json.loads(out)
    assert code == 0, err
    assert data["covariates"] == ["tenure"] and data["estimation"] == "ipw"
    assert data["cluster"] == "team" and data["n_clusters"] == 30 and data["weights"] == "w"
    df.loc[df.unit == 4, "team"] = ["team-1"] * 6 + ["team-2"] * 6
    df.to_csv(path, index=False)
    code, _, err = _run(argv, capsys)
    assert code == 2 and "'team' changes within a unit" in err and "4" in err
