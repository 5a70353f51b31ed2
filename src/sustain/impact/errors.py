"""The one exception the impact engine raises for data it cannot estimate from."""

from __future__ import annotations

from collections.abc import Collection, Iterable


class ImpactInputError(ValueError):
    """The panel cannot be estimated as given; the message names the offending rows or units."""


def describe_offenders(
    what: str, unit_ids: Iterable[object], rows: Collection[int] | None = None, limit: int = 5
) -> str:
    """Render ``what`` followed by the first few unit ids (and 0-based row numbers, if given)."""
    units = list(dict.fromkeys(_plain(u) for u in unit_ids))  # each unit once, in order
    shown = ", ".join(repr(u) for u in units[:limit])
    more = f" and {len(units) - limit} more" if len(units) > limit else ""
    text = f"{what}: unit(s) {shown}{more}"
    if rows is not None and len(rows):
        row_text = ", ".join(str(int(r)) for r in list(rows)[:limit])
        text += f" (rows {row_text}{f' ... {len(rows)} rows in all' if len(rows) > limit else ''})"
    return text


def _plain(value: object) -> object:
    # numpy scalars print as np.int64(3) under repr(); users know their ids as plain values.
    item = getattr(value, "item", None)
    return item() if callable(item) else value
