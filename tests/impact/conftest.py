from __future__ import annotations

import importlib.resources

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def mpdta() -> pd.DataFrame:
    """The did package's example panel, as shipped by moderndid (500 counties, 2003-2007)."""
    path = importlib.resources.files("moderndid") / "core/datasets/mpdta_long.pkl.gz"
    with importlib.resources.as_file(path) as local:
        frame = pd.read_pickle(local)
    assert isinstance(frame, pd.DataFrame)
    return frame
