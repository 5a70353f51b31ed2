"""HonestDiD sensitivity against moderndid 0.4.1's didhonest on mpdta (R HonestDiD's port).

moderndid inverts its tests over a grid, so its bounds are grid points; it is checked here
on a fine grid around each of our bounds (step 1e-4): its first (last) accepted point must be
our lower (upper) bound to within one step.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sustain.impact import ImpactInputError, ImpactResult, Sensitivity, estimate
from sustain.impact.cli import main

didhonest = pytest.importorskip("moderndid.didhonest")
STEP = 1e-4


@pytest.fixture(scope="module")
def reference(mpdta: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """moderndid's own event study (universal base period): estimates and covariance without
    the reference period, as its honest_did builds them."""
    from moderndid import aggte, att_gt

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gt = att_gt(
            mpdta,
            yname="lemp",
            tname="year",
            idname="countyreal",
            gname="first.treat",
            boot=False,
            base_period="universal",
        )
        dynamic = aggte(gt, type="dynamic", boot=False, cband=False)
    keep = dynamic.event_times != -1
    psi = dynamic.influence_func[:, keep]
    return dynamic.att_by_event[keep], psi.T @ psi / len(psi) ** 2


def _fit(mpdta: pd.DataFrame, **options: Any) -> ImpactResult:
    return estimate(
        mpdta,
        unit="countyreal",
        time="year",
        outcome="lemp",
        cohort="first.treat",
        base_period="universal",
        **options,
    )


def _sensitivity(mpdta: pd.DataFrame, **options: Any) -> Sensitivity:
    sensitivity = _fit(mpdta, **options).sensitivity
    assert sensitivity is not None
    return sensitivity


def _l_vec(e: int | str) -> np.ndarray:
    return np.full(4, 0.25) if e == "avg" else np.eye(4)[int(e)]


def _theirs_rm(
    reference: tuple[np.ndarray, np.ndarray], e: int | str, mbar: float, lo: float, hi: float
) -> tuple[float, float]:
    betahat, sigma = reference
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = didhonest.create_sensitivity_results_rm(
            betahat,
            sigma,
            3,
            4,
            l_vec=_l_vec(e),
            m_bar_vec=[mbar],
            grid_points=round((hi - lo) / STEP) + 1,
            grid_lb=lo,
            grid_ub=hi,
        )
    return float(out["lb"][0]), float(out["ub"][0])


@pytest.mark.parametrize("e", [0, "avg"])
def test_it_matches_honestdid_relative_magnitudes_intervals(
    mpdta: pd.DataFrame, reference: tuple[np.ndarray, np.ndarray], e: int | str
) -> None:
    ours = _sensitivity(mpdta, sensitivity="rm", sensitivity_e=e, mbar=[0, 1, 2])
    assert ours.type == "rm" and ours.e == (e if e == "avg" else 0.0)
    assert [r.mbar for r in ours.rows] == [0, 1, 2]
    for row in ours.rows:
        low, _ = _theirs_rm(reference, e, row.mbar, row.ci_low - 10 * STEP, row.ci_low + 10 * STEP)
        _, high = _theirs_rm(
            reference, e, row.mbar, row.ci_high - 10 * STEP, row.ci_high + 10 * STEP
        )
        assert abs(low - row.ci_low) <= STEP * 1.01, (row, low)
        assert abs(high - row.ci_high) <= STEP * 1.01, (row, high)
    # The intervals widen with Mbar, from about the original one at Mbar = 0.
    widths = [r.ci_high - r.ci_low for r in ours.rows]
    assert widths == sorted(widths)
    assert ours.rows[0].ci_low == pytest.approx(ours.original[0], abs=2e-3)


def test_it_matches_honestdid_on_its_own_default_grid(
    mpdta: pd.DataFrame, reference: tuple[np.ndarray, np.ndarray]
) -> None:
    """moderndid's default search (100 points over its own range, a step of about 0.006):
    its bounds are grid points just inside ours, so it accepts nothing outside our interval."""
    betahat, sigma = reference
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = didhonest.create_sensitivity_results_rm(
            betahat, sigma, 3, 4, l_vec=_l_vec(0), m_bar_vec=[1.0], grid_points=100
        )
    row = _sensitivity(mpdta, sensitivity="rm", mbar=[1.0]).rows[0]
    assert row.ci_low <= theirs["lb"][0] <= row.ci_low + 0.006
    assert row.ci_high - 0.006 <= theirs["ub"][0] <= row.ci_high


@pytest.mark.parametrize("e", [0, "avg"])
def test_it_matches_honestdid_smoothness_flci(
    mpdta: pd.DataFrame, reference: tuple[np.ndarray, np.ndarray], e: int | str
) -> None:
    betahat, sigma = reference
    bounds = [0.0, 0.01, 0.02, 0.05]
    ours = _sensitivity(mpdta, sensitivity="smooth", sensitivity_e=e, mbar=bounds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = didhonest.create_sensitivity_results_sm(
            betahat, sigma, 3, 4, l_vec=_l_vec(e), m_vec=bounds
        )
    np.testing.assert_allclose([r.ci_low for r in ours.rows], theirs["lb"], atol=1e-5)
    np.testing.assert_allclose([r.ci_high for r in ours.rows], theirs["ub"], atol=1e-5)
    assert ours.method == "FLCI"


def test_it_finds_the_relative_magnitudes_breakdown_value(
    mpdta: pd.DataFrame, reference: tuple[np.ndarray, np.ndarray]
) -> None:
    """The average effect excludes 0 up to Mbar = breakdown and not beyond (moderndid's
    test at theta = 0 on both sides)."""
    ours = _sensitivity(mpdta, sensitivity="rm", sensitivity_e="avg")
    breakdown = ours.breakdown_mbar
    assert breakdown is not None and 0.3 < breakdown < 0.7
    below = _theirs_rm(reference, "avg", breakdown - 0.005, -10 * STEP, 10 * STEP)
    above = _theirs_rm(reference, "avg", breakdown + 0.005, -10 * STEP, 10 * STEP)
    assert np.isnan(below[0]) or below[1] < 0  # 0 rejected: still significant
    assert above[0] <= 0 <= above[1]  # 0 accepted: no longer
    # The effect at e = 0 is not significant even under exact parallel trends.
    at_zero = _sensitivity(mpdta, sensitivity="rm")
    assert at_zero.e == 0.0 and at_zero.breakdown_mbar is None


def test_it_finds_the_smoothness_breakdown_value(
    mpdta: pd.DataFrame, reference: tuple[np.ndarray, np.ndarray]
) -> None:
    betahat, sigma = reference
    ours = _sensitivity(mpdta, sensitivity="smooth", sensitivity_e="avg")
    breakdown = ours.breakdown_mbar
    assert breakdown is not None and breakdown > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = didhonest.create_sensitivity_results_sm(
            betahat, sigma, 3, 4, l_vec=_l_vec("avg"), m_vec=[breakdown * 0.99, breakdown * 1.01]
        )
    assert theirs["ub"][0] < 0  # still excludes 0 just below
    assert theirs["lb"][1] <= 0 <= theirs["ub"][1]  # includes it just above
    # The default M values run from 0 up, the first being exact linear trends.
    assert ours.rows[0].mbar == 0 and len(ours.rows) == 5


def test_it_needs_the_universal_base_period(mpdta: pd.DataFrame) -> None:
    with pytest.raises(ImpactInputError, match="base_period='universal'"):
        estimate(
            mpdta,
            unit="countyreal",
            time="year",
            outcome="lemp",
            cohort="first.treat",
            sensitivity="rm",
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sensitivity": "rm", "mbar": [-0.5]}, "finite and >= 0"),
        ({"sensitivity": "rm", "mbar": "1,two"}, "must be numbers"),
        ({"sensitivity": "rm", "sensitivity_e": 9}, "not a post-training event time"),
        ({"sensitivity": "rm", "sensitivity_e": -3}, "not a post-training event time"),
        ({"sensitivity": "rm", "sensitivity_e": "soon"}, "event time"),
        ({"sensitivity": "wiggly"}, "'rm' or 'smooth'"),
    ],
)
def test_it_refuses_bad_sensitivity_requests(
    mpdta: pd.DataFrame, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ImpactInputError, match=message):
        _fit(mpdta, **options)


@pytest.fixture(scope="module")
def mpdta_csv(mpdta: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("honest") / "mpdta.csv"
    mpdta.to_csv(path, index=False)
    return str(path)


def _cli(path: str, *extra: str) -> list[str]:
    return [
        path,
        "--unit",
        "countyreal",
        "--time",
        "year",
        "--outcome",
        "lemp",
        "--cohort",
        "first.treat",
        *extra,
    ]


def test_the_cli_reports_sensitivity_as_json(
    mpdta_csv: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        _cli(
            mpdta_csv,
            "--base-period",
            "universal",
            "--sensitivity",
            "rm",
            "--sensitivity-e",
            "avg",
            "--mbar",
            "0,0.5,1",
        )
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)["sensitivity"]
    assert out["type"] == "rm" and out["e"] == "avg"
    assert [r["mbar"] for r in out["rows"]] == [0, 0.5, 1]
    assert set(out["rows"][0]) == {"mbar", "ci_low", "ci_high"}
    assert out["original"]["ci_high"] < 0
    assert 0.3 < out["breakdown_mbar"] < 0.7


def test_the_cli_without_sensitivity_reports_none(
    mpdta_csv: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_cli(mpdta_csv)) == 0
    assert json.loads(capsys.readouterr().out)["sensitivity"] is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--sensitivity", "rm"], "--base-period universal"),
        (["--base-period", "universal", "--sensitivity", "rm", "--mbar=-1"], ">= 0"),
        (["--base-period", "universal", "--sensitivity", "rm", "--mbar", "a"], "numbers"),
        (
            ["--base-period", "universal", "--sensitivity", "smooth", "--sensitivity-e", "12"],
            "choose one of ['0', '1', '2', '3']",
        ),
    ],
)
def test_the_cli_exits_2_on_bad_sensitivity_options(
    mpdta_csv: str, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(_cli(mpdta_csv, *extra)) == 2
    err = capsys.readouterr()
    assert message in err.err and err.out == ""


def test_the_table_format_shows_the_sensitivity_rows(
    mpdta_csv: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--base-period", "universal", "--sensitivity", "rm", "--format", "table"]
    assert main(_cli(mpdta_csv, *args)) == 0
    text = capsys.readouterr().out
    assert "Sensitivity (HonestDiD, relative magnitudes" in text
    assert "Not robust even to a bound of 0." in text


def test_it_limits_the_event_times_it_uses_to_the_window(
    mpdta: pd.DataFrame, reference: tuple[np.ndarray, np.ndarray]
) -> None:
    """With the window -3..1 HonestDiD sees pre-periods -3, -2 and post-periods 0, 1 only: the
    same as moderndid given those rows and columns of the event study."""
    betahat, sigma = reference
    ours = _sensitivity(mpdta, sensitivity="smooth", mbar=[0.02], sensitivity_window=(-3, 1))
    pick = [1, 2, 3, 4]  # -3, -2, 0, 1 among -4, -3, -2, 0, 1, 2, 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = didhonest.create_sensitivity_results_sm(
            betahat[pick], sigma[np.ix_(pick, pick)], 2, 2, l_vec=np.eye(2)[0], m_vec=[0.02]
        )
    assert ours.rows[0].ci_low == pytest.approx(theirs["lb"][0], abs=1e-5)
    assert ours.rows[0].ci_high == pytest.approx(theirs["ub"][0], abs=1e-5)
    with pytest.raises(ImpactInputError, match="choose one of \\['0', '1'\\]"):
        _fit(mpdta, sensitivity="rm", sensitivity_e=2, sensitivity_window=(-3, 1))


def test_its_relative_magnitudes_do_not_depend_on_the_kpi_units(mpdta: pd.DataFrame) -> None:
    """Revenue in cents instead of thousands: the intervals scale, the breakdown is the same."""
    scaled = mpdta.assign(lemp=mpdta["lemp"] * 1e5)
    plain = _sensitivity(mpdta, sensitivity="rm", sensitivity_e="avg")
    big = _sensitivity(scaled, sensitivity="rm", sensitivity_e="avg")
    for a, b in zip(plain.rows, big.rows, strict=True):
        assert b.ci_low == pytest.approx(a.ci_low * 1e5, rel=1e-5)
        assert b.ci_high == pytest.approx(a.ci_high * 1e5, rel=1e-5)
    assert big.breakdown_mbar == pytest.approx(plain.breakdown_mbar, rel=1e-4)
