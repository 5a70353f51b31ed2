"""An uploaded table (CSV/TSV, XLSX/XLS/ODS, Parquet) as rows of text, each with the row
number a spreadsheet shows: the header is row 1, so the first data row is row 2.

The roster import and the question bank import read through `read_table` only. It is the
KPI importer's reader (`sustain.lib.tabular`: encodings, delimiters, report footers,
duplicate headers, ragged rows, all reported with rows and columns) with each cell turned
into stripped text, which is what these imports validate row by row.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sustain.lib import tabular

MAX_BYTES = 50 * 1024 * 1024
TABLE_SUFFIXES = tabular.SUFFIXES


@dataclass(frozen=True)
class CellError:
    """A problem with one cell (or one row when `column` is empty; row 0 is the file)."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


class TableRejected(Exception):
    """The upload is invalid; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); first: {errors[0]}")


@dataclass
class Table:
    columns: list[str]
    # (spreadsheet row number, cells as stripped text, one per column); blank rows skipped.
    rows: list[tuple[int, list[str]]]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str) -> Table:
    """The upload as a header and text rows. Raises TableRejected when it cannot be read."""
    if len(data) > MAX_BYTES:
        raise TableRejected([CellError(0, "", "the file is larger than 50 MB")])
    try:
        table = tabular.read_table(data, filename)
    except tabular.Rejected as exc:
        raise TableRejected([CellError(e.row, e.column, e.reason) for e in exc.errors]) from None
    rows = table.frame.itertuples(index=False, name=None)
    return Table(
        columns=[str(c) for c in table.frame.columns],
        rows=[
            (int(n), [_cell(v) for v in values])
            for n, values in zip(table.rows.tolist(), rows, strict=True)
        ],
    )
