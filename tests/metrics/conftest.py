from __future__ import annotations

import pytest

from tests.conftest import Cast


@pytest.fixture
def sf_csv(cast: Cast) -> bytes:
    """A Salesforce opportunity report: two reps, two weeks, won/lost/open deals."""
    rep, other = cast.rep.email, cast.other_rep.email
    return (
        "Opportunity Owner,Owner Email,Opportunity Name,Stage,Amount,Close Date,Created Date\n"
        f"Rita Rep,{rep},A,Closed Won,1000,2026-03-02,2026-02-01\n"
        f"Rita Rep,{rep},B,Closed Lost,500,2026-03-04,2026-02-20\n"
        f"Rita Rep,{rep},C,Closed Won,3000,2026-03-10,2026-03-01\n"
        f"Oscar Otherrep,{other},D,Closed Won,2000,2026-03-05,2026-02-25\n"
        f"Oscar Otherrep,{other},E,Prospecting,9000,2026-04-30,2026-03-01\n"
    ).encode()
