"""The roster's time zone cell: any case of an IANA name is that name; nothing else is."""

from __future__ import annotations

import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from sustain.roster.importer import parse_time_zone

ZONES = sorted(zoneinfo.available_timezones())


@given(st.sampled_from(ZONES), st.data())
def test_it_reads_an_iana_name_in_any_case_as_its_canonical_spelling(
    name: str, data: st.DataObject
) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    typed = "".join(c.swapcase() if flip else c for c, flip in zip(name, flips, strict=True))
    assert parse_time_zone(f"  {typed} ") == (name, "")


@given(st.text(max_size=40))
def test_it_refuses_anything_that_is_not_a_zone_name_with_a_reason(text: str) -> None:
    zone, why = parse_time_zone(text)
    folded = {z.casefold() for z in ZONES}
    if text.strip().casefold() in folded:
        assert zone is not None and zone.casefold() == text.strip().casefold()
    else:
        assert zone is None and "IANA name" in why
