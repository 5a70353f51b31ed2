"""Reading an uploaded table (CSV or XLSX) into rows of text, each with the row number a
spreadsheet shows: the header is row 1, so the first data row is row 2.

The roster import and the question bank import read through `read_table` only. The KPI
importer's reader (`sustain.lib.tabular`, being rewritten in parallel) does the same job
with more detection; this one function is where the two meet at merge: `read_table` can
become an adapter over `tabular.read_table` (its `frame` cells as text, its `rows` numbers)
without any change to its callers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")


@dataclass(frozen=True)
class CellError:
    """A problem with one cell (or one row when `column` is empty) of an upload."""

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


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel on Windows saves "CSV" in the ANSI code page; HRIS exports in Latin-1.
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["cp1252", "latin_1", "iso8859_15"]).best()
    return data.decode(best.encoding if best else "cp1252", errors="replace")


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from python_calamine import load_workbook

    sheet = load_workbook(io.BytesIO(data)).get_sheet_by_index(0)
    return [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]


def read_table(data: bytes, filename: str) -> Table:
    """The upload as a header and text rows. Raises TableRejected (row 0 = the file) when
    it cannot be read."""
    suffix = Path(filename).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise TableRejected([CellError(0, "", "expected a .csv or .xlsx file")])
    if len(data) > MAX_BYTES:
        raise TableRejected([CellError(0, "", "the file is larger than 50 MB")])
    try:
        raw = _read_xlsx(data) if suffix == ".xlsx" else _read_csv(data)
    except Exception as exc:  # any parser error means the same thing to the person uploading
        kind = "XLSX" if suffix == ".xlsx" else "CSV"
        raise TableRejected([CellError(0, "", f"unreadable {kind} file: {exc}")]) from exc
    numbered = [(n, [c.strip() for c in cells]) for n, cells in enumerate(raw, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        raise TableRejected([CellError(1, "", "the file is empty: expected a header row")])
    # Rows keep the numbers the spreadsheet shows, whatever blank rows precede the header.
    _header_row, header = numbered[0]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows = [(n, (cells + [""] * width)[:width]) for n, cells in numbered[1:]]
    return Table(columns=header, rows=rows)
