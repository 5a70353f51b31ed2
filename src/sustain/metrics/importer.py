"""Reading KPI files into one long, validated frame (rep_id, period, kpi, value).

Pure pandas, column-wise, no database: the caller passes the rep lookup. Everything in a
file is checked before anything is written, and every rejected row is reported with its
file, row, column, value and reason. Row numbers are what a spreadsheet shows: the header
is row 1 of a CSV, so its first data row is row 2; a Parquet file's first row is row 1.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

PANEL_FORMATS = ("wide", "long")

# Default column names for each source; a saved ImportMapping overrides them. The CRM names
# are the labels Salesforce and HubSpot put in the header of a report/deal export.
DEFAULT_COLUMNS: dict[str, dict[str, list[str]]] = {
    "panel": {
        "rep": ["rep", "rep_email", "email", "external_id", "rep_id", "owner_email"],
        "period": ["period", "week", "date", "month", "day"],
        "kpi": ["kpi", "metric", "measure"],
        "value": ["value"],
    },
    "salesforce": {
        "owner": [
            "Owner Email",
            "Opportunity Owner: Email",
            "Opportunity Owner Email",
            "Opportunity Owner",
        ],
        "amount": ["Amount", "Amount (converted)"],
        "close_date": ["Close Date"],
        "stage": ["Stage"],
        "created_date": ["Created Date"],
    },
    "hubspot": {
        "owner": ["Deal owner email", "Deal Owner Email", "Deal owner", "Deal Owner"],
        "amount": ["Amount", "Amount in company currency"],
        "close_date": ["Close Date"],
        "stage": ["Deal Stage"],
        "created_date": ["Create Date"],
    },
}

CRM_KPIS = ("revenue", "wins", "win_rate", "cycle_days")
MAX_REPORTED = 1000


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.file}, row {self.row}, column {self.column!r}, value {self.value!r}: "
            f"{self.reason}"
        )


class ImportRejected(Exception):
    """The file has invalid rows; nothing was written. `errors` lists every one of them."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} rejected row(s); first: {errors[0]}")


@dataclass
class Parsed:
    frame: pd.DataFrame  # rep_id (int64), period (datetime64), kpi (str), value (float64)
    rows_read: int


class RepLookup:
    """Maps what a file calls a rep (email, CRM external id, or full name when unique) to a
    person id."""

    def __init__(self, people: list[tuple[int, str, str, str]]) -> None:
        self.keys: dict[str, int] = {}
        names: dict[str, list[int]] = {}
        for pk, _email, _external_id, name in people:
            names.setdefault(name.strip().lower(), []).append(pk)
        # Names first so that emails and external ids win when they collide.
        for name, pks in names.items():
            if name and len(pks) == 1:
                self.keys[name] = pks[0]
        for pk, _email, external_id, _name in people:
            if external_id:
                self.keys[external_id.strip().lower()] = pk
        for pk, email, _external_id, _name in people:
            self.keys[email.strip().lower()] = pk

    def resolve(self, values: pd.Series) -> pd.Series:
        """Float series of person ids, NaN where no rep matches."""
        codes, uniques = pd.factorize(values.astype("string").str.strip().str.lower())
        mapped = np.array([self.keys.get(u, np.nan) for u in uniques], dtype="float64")
        out = np.full(len(values), np.nan)
        ok = codes >= 0
        out[ok] = mapped[codes[ok]]
        return pd.Series(out, index=values.index)


Progress = Callable[[int], None]


def read_table(source: str | Path | IO[bytes], filename: str) -> tuple[pd.DataFrame, int]:
    """The file as a DataFrame, and the row number of its first data row."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(source), 1
    if suffix not in (".csv", ".txt"):
        raise ImportRejected([RowError(filename, 0, "", suffix, "expected .csv or .parquet")])
    try:
        # pyarrow parses in C on both cores; values stay typed where they are clean.
        frame = pd.read_csv(source, engine="pyarrow", encoding="utf-8-sig")
    except Exception as exc:
        raise ImportRejected([RowError(filename, 0, "", "", f"unreadable CSV: {exc}")]) from exc
    return frame, 2


def _pick(
    frame: pd.DataFrame, wanted: str, mapping: Mapping[str, str], candidates: list[str]
) -> str | None:
    if mapping.get(wanted):
        return mapping[wanted] if mapping[wanted] in frame.columns else None
    lower = {str(c).strip().lower(): c for c in frame.columns}
    for name in candidates:
        if name.lower() in lower:
            return str(lower[name.lower()])
    return None


def _columns(
    frame: pd.DataFrame, source: str, needed: list[str], mapping: Mapping[str, str], filename: str
) -> dict[str, str]:
    found: dict[str, str] = {}
    errors = []
    for field in needed:
        column = _pick(frame, field, mapping, DEFAULT_COLUMNS[source][field])
        if column is None:
            expected = mapping.get(field) or " or ".join(DEFAULT_COLUMNS[source][field][:3])
            errors.append(RowError(filename, 1, expected, "", f"missing column for {field}"))
        else:
            found[field] = column
    if errors:
        raise ImportRejected(errors)
    return found


class _Errors:
    def __init__(self, filename: str, first_row: int) -> None:
        self.filename = filename
        self.first_row = first_row
        self.parts: list[pd.DataFrame] = []

    def add(
        self,
        bad: np.ndarray,
        positions: np.ndarray,
        column: str,
        values: pd.Series,
        reason: str | pd.Series,
    ) -> None:
        if not bad.any():
            return
        part = pd.DataFrame(
            {
                "row": positions[bad] + self.first_row,
                "column": column,
                "value": values[bad].astype("string").fillna("").to_numpy(),
                "reason": reason[bad].to_numpy() if isinstance(reason, pd.Series) else reason,
            }
        )
        self.parts.append(part)

    def raise_if_any(self) -> None:
        if not self.parts:
            return
        table = pd.concat(self.parts).sort_values(["row", "column"], kind="stable")
        errors = [
            RowError(self.filename, int(r), str(c), str(v), str(m))
            for r, c, v, m in zip(
                table["row"], table["column"], table["value"], table["reason"], strict=True
            )
        ]
        raise ImportRejected(errors)


def _numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
        return numbers, np.zeros(len(values), bool)
    text = values.astype("string").str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return numbers, (numbers.isna() & text.notna() & (text != "")).to_numpy()


def _dates(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    if parsed.isna().sum() > text.isna().sum():
        # Exports from US-locale CRMs write 3/15/2026; try that before calling it an error.
        other = pd.to_datetime(text, errors="coerce", format="%m/%d/%Y")
        parsed = parsed.fillna(other)
    return parsed


def parse_panel(
    frame: pd.DataFrame,
    *,
    filename: str,
    first_row: int,
    fmt: str,
    mapping: Mapping[str, str],
    reps: RepLookup,
    known_kpis: Mapping[str, str] | None = None,
) -> Parsed:
    """A wide or long panel as a long frame. `known_kpis` maps header text to KPI keys."""
    if fmt not in PANEL_FORMATS:
        raise ImportRejected([RowError(filename, 0, "", fmt, "format must be wide or long")])
    positions = np.arange(len(frame))
    if fmt == "long":
        cols = _columns(frame, "panel", ["rep", "period", "kpi", "value"], mapping, filename)
        long = pd.DataFrame(
            {
                "pos": positions,
                "kpi": frame[cols["kpi"]].astype("string").str.strip(),
                "value": frame[cols["value"]],
            }
        )
    else:
        cols = _columns(frame, "panel", ["rep", "period"], mapping, filename)
        kpi_columns = [c for c in frame.columns if c not in (cols["rep"], cols["period"])]
        if mapping.get("kpis"):
            kpi_columns = [c for c in kpi_columns if c in mapping["kpis"]]
        if not kpi_columns:
            raise ImportRejected([RowError(filename, 1, "", "", "no KPI columns")])
        errors = _Errors(filename, first_row)
        parts = []
        for column in kpi_columns:
            numbers, bad = _numbers(frame[column])
            errors.add(bad, positions, str(column), frame[column], "not a number")
            parts.append(
                pd.DataFrame(
                    {
                        "pos": positions,
                        "kpi": str(column).strip(),
                        "value": numbers,
                    }
                )
            )
        long = pd.concat(parts, ignore_index=True)
        # An empty cell is a KPI not measured that period, not an error.
        long = long[long["value"].notna()]
        return _finish(long, filename, first_row, reps, known_kpis, frame, cols, errors, None)
    return _finish(
        long,
        filename,
        first_row,
        reps,
        known_kpis,
        frame,
        cols,
        _Errors(filename, first_row),
        cols["value"],
    )


def _finish(
    long: pd.DataFrame,
    filename: str,
    first_row: int,
    reps: RepLookup,
    known_kpis: Mapping[str, str] | None,
    frame: pd.DataFrame,
    cols: dict[str, str],
    errors: _Errors,
    value_column: str | None,
) -> Parsed:
    positions = np.arange(len(frame))
    rep_ids = reps.resolve(frame[cols["rep"]])
    errors.add(
        rep_ids.isna().to_numpy(),
        positions,
        cols["rep"],
        frame[cols["rep"]],
        "unknown rep: no person with this email or external id",
    )
    periods = _dates(frame[cols["period"]])
    errors.add(
        periods.isna().to_numpy(),
        positions,
        cols["period"],
        frame[cols["period"]],
        "not a date (expected YYYY-MM-DD)",
    )
    long = long.assign(
        rep_id=rep_ids.to_numpy()[long["pos"].to_numpy()],
        period=periods.to_numpy()[long["pos"].to_numpy()],
    )
    if value_column is not None:  # long format: one value column, one kpi column
        numbers, bad = _numbers(long["value"])
        errors.add(bad, long["pos"].to_numpy(), value_column, long["value"], "not a number")
        empty = long["kpi"].isna() | (long["kpi"] == "")
        errors.add(
            empty.to_numpy(), long["pos"].to_numpy(), cols["kpi"], long["kpi"], "empty KPI name"
        )
        long = long.assign(value=numbers)
        long = long[long["value"].notna()]
    if known_kpis:
        long = long.assign(kpi=long["kpi"].map(lambda k: known_kpis.get(k, k)))
    dup = long.duplicated(["rep_id", "period", "kpi"], keep="first").to_numpy()
    dup = dup & long["rep_id"].notna().to_numpy() & long["period"].notna().to_numpy()
    errors.add(
        dup,
        long["pos"].to_numpy(),
        cols["period"],
        long["period"].astype("string"),
        "the same rep, period and KPI appear twice",
    )
    errors.raise_if_any()
    out = pd.DataFrame(
        {
            "rep_id": long["rep_id"].astype("int64").to_numpy(),
            "period": long["period"].dt.normalize().to_numpy(),
            "kpi": long["kpi"].astype(str).to_numpy(),
            "value": long["value"].astype("float64").to_numpy(),
        }
    )
    return Parsed(out, len(frame))


WON = ("closed won", "closedwon", "won")
LOST = ("closed lost", "closedlost", "lost")


def parse_crm(
    frame: pd.DataFrame,
    *,
    source: str,
    filename: str,
    first_row: int,
    mapping: Mapping[str, str],
    reps: RepLookup,
) -> Parsed:
    """Opportunities/deals as per-rep weekly revenue, wins, win rate and cycle days, by the
    Monday of the close date's week. Open deals carry no weekly measure and are skipped."""
    cols = _columns(
        frame, source, ["owner", "amount", "close_date", "stage", "created_date"], mapping, filename
    )
    positions = np.arange(len(frame))
    stage = frame[cols["stage"]].astype("string").str.strip().str.lower()
    won = stage.isin(WON) | stage.str.startswith("closed won").fillna(False)
    lost = stage.isin(LOST) | stage.str.startswith("closed lost").fillna(False)
    closed = (won | lost).fillna(False).to_numpy()
    errors = _Errors(filename, first_row)
    rep_ids = reps.resolve(frame[cols["owner"]])
    errors.add(
        rep_ids.isna().to_numpy() & closed,
        positions,
        cols["owner"],
        frame[cols["owner"]],
        "unknown rep: no person with this email, external id or name",
    )
    amount, bad_amount = _numbers(frame[cols["amount"]])
    errors.add(
        bad_amount & closed, positions, cols["amount"], frame[cols["amount"]], "not a number"
    )
    close = _dates(frame[cols["close_date"]])
    errors.add(
        close.isna().to_numpy() & closed,
        positions,
        cols["close_date"],
        frame[cols["close_date"]],
        "not a date",
    )
    created = _dates(frame[cols["created_date"]])
    errors.add(
        created.isna().to_numpy() & closed,
        positions,
        cols["created_date"],
        frame[cols["created_date"]],
        "not a date",
    )
    errors.raise_if_any()
    deals = pd.DataFrame(
        {
            "rep_id": rep_ids[closed].astype("int64"),
            "period": (
                close[closed] - pd.to_timedelta(close[closed].dt.day_of_week, unit="D")
            ).dt.normalize(),
            "won": won[closed].astype(bool),
            "amount": amount[closed].fillna(0.0),
            "cycle": (close[closed] - created[closed]).dt.days.astype("float64"),
        }
    )
    deals["won_amount"] = deals["amount"].where(deals["won"], 0.0)
    deals["won_cycle"] = deals["cycle"].where(deals["won"])
    weekly = (
        deals.groupby(["rep_id", "period"])
        .agg(
            revenue=("won_amount", "sum"),
            wins=("won", "sum"),
            closed=("won", "size"),
            cycle_days=("won_cycle", "mean"),
        )
        .reset_index()
    )
    weekly["wins"] = weekly["wins"].astype("float64")
    weekly["win_rate"] = weekly["wins"] / weekly["closed"]
    long = weekly.melt(
        id_vars=["rep_id", "period"], value_vars=list(CRM_KPIS), var_name="kpi", value_name="value"
    ).dropna(subset=["value"])
    return Parsed(long.reset_index(drop=True), len(frame))


def parse_file(
    source_file: str | Path | IO[bytes] | bytes,
    *,
    filename: str,
    source: str,
    fmt: str | None,
    mapping: Mapping[str, str],
    reps: RepLookup,
    known_kpis: Mapping[str, str] | None = None,
) -> Parsed:
    if isinstance(source_file, bytes):
        source_file = io.BytesIO(source_file)
    frame, first_row = read_table(source_file, filename)
    if source == "panel":
        return parse_panel(
            frame,
            filename=filename,
            first_row=first_row,
            fmt=fmt or _guess_format(frame),
            mapping=mapping,
            reps=reps,
            known_kpis=known_kpis,
        )
    if source in ("salesforce", "hubspot"):
        return parse_crm(
            frame, source=source, filename=filename, first_row=first_row, mapping=mapping, reps=reps
        )
    raise ImportRejected([RowError(filename, 0, "", source, "unknown source")])


def _guess_format(frame: pd.DataFrame) -> str:
    lower = {str(c).strip().lower() for c in frame.columns}
    return "long" if {"kpi", "value"} <= lower else "wide"
