"""mpdta against the R did package's published results (never-treated, unconditional)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from moderndid import aggte, att_gt

from sustain.impact import ImpactResult, estimate

# did 2.5.1 on mpdta, as printed in its documentation: (group, time) -> (ATT, SE).
DID_ATT_GT = {
    (2004, 2004): (-0.0105, 0.0233),
    (2004, 2005): (-0.0704, 0.0310),
    (2004, 2006): (-0.1373, 0.0364),
    (2004, 2007): (-0.1008, 0.0344),
    (2006, 2004): (0.0065, 0.0233),
    (2006, 2005): (-0.0028, 0.0196),
    (2006, 2006): (-0.0046, 0.0178),
    (2006, 2007): (-0.0412, 0.0202),
    (2007, 2004): (0.0305, 0.0150),
    (2007, 2005): (-0.0027, 0.0164),
    (2007, 2006): (-0.0311, 0.0179),
    (2007, 2007): (-0.0261, 0.0167),
}
DID_SIMPLE = (-0.0400, 0.0118)  # the documentation's SE comes from its bootstrap
DID_DYNAMIC = {
    -3: (0.0305, 0.0150),
    -2: (-0.0006, 0.0133),
    -1: (-0.0245, 0.0142),
    0: (-0.0199, 0.0118),
    1: (-0.0510, 0.0169),
    2: (-0.1373, 0.0364),
    3: (-0.1008, 0.0344),
}
DID_GROUP = {2004: (-0.0797, 0.0264), 2006: (-0.0229, 0.0167), 2007: (-0.0261, 0.0167)}


def _fit(mpdta: pd.DataFrame, **options: Any) -> ImpactResult:
    return estimate(
        mpdta, unit="countyreal", time="year", outcome="lemp", cohort="first.treat", **options
    )


def test_it_matches_did_on_mpdta_att_gt(mpdta: pd.DataFrame) -> None:
    result = _fit(mpdta)
    got = {(int(c.group), int(c.time)): (c.att, c.se) for c in result.att_gt}
    assert got.keys() == DID_ATT_GT.keys()
    for key, (att, se) in DID_ATT_GT.items():
        assert got[key][0] == pytest.approx(att, abs=6e-5), key
        assert got[key][1] == pytest.approx(se, rel=0.05), key


def test_it_matches_did_on_mpdta_simple_overall(mpdta: pd.DataFrame) -> None:
    overall = _fit(mpdta).overall
    assert overall.att == pytest.approx(DID_SIMPLE[0], abs=5e-4)
    assert overall.se == pytest.approx(DID_SIMPLE[1], rel=0.05)


def test_it_matches_did_on_mpdta_event_study(mpdta: pd.DataFrame) -> None:
    events = {int(e.e): e for e in _fit(mpdta).event_study}
    assert events.keys() == DID_DYNAMIC.keys()
    for e, (att, se) in DID_DYNAMIC.items():
        assert events[e].att == pytest.approx(att, abs=6e-5)
        assert events[e].se == pytest.approx(se, rel=0.05)


def test_it_matches_did_on_mpdta_group_aggregation(mpdta: pd.DataFrame) -> None:
    groups = {int(g.group): g for g in _fit(mpdta).by_group}
    for g, (att, se) in DID_GROUP.items():
        assert groups[g].att == pytest.approx(att, abs=6e-5)
        assert groups[g].se == pytest.approx(se, rel=0.05)


def test_it_cuts_event_study_at_min_e_and_max_e(mpdta: pd.DataFrame) -> None:
    events = _fit(mpdta, min_e=-1, max_e=2).event_study
    assert [e.e for e in events] == [-1, 0, 1, 2]


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_it_matches_moderndid_on_mpdta(mpdta: pd.DataFrame, control: str) -> None:
    ours = _fit(mpdta, control=control)
    ref = att_gt(
        mpdta,
        yname="lemp",
        tname="year",
        idname="countyreal",
        gname="first.treat",
        control_group="nevertreated" if control == "never" else "notyettreated",
        boot=False,
    )
    np.testing.assert_allclose([c.att for c in ours.att_gt], ref.att_gt, atol=1e-12)
    np.testing.assert_allclose([c.se for c in ours.att_gt], ref.se_gt, rtol=1e-9)
    dynamic = aggte(ref, type="dynamic", boot=False, cband=False)
    np.testing.assert_allclose([e.att for e in ours.event_study], dynamic.att_by_event, atol=1e-12)
    np.testing.assert_allclose([e.se for e in ours.event_study], dynamic.se_by_event, rtol=1e-9)
    simple = aggte(ref, type="simple", boot=False, cband=False)
    assert ours.overall.att == pytest.approx(simple.overall_att, abs=1e-12)
    assert ours.overall.se == pytest.approx(simple.overall_se, rel=1e-9)
