"""KPI files into one long, validated frame (rep_id, period, kpi, value), with a preview of
what was skipped and why. No database: the caller passes the reps, the KPI definitions and
the mapping's settings. Reading and cell parsing are `sustain.lib.tabular`'s.

Sources: KPI panels (CSV/TSV, XLSX, Parquet; wide = a column per KPI, long = rep, period,
kpi, value) and CRM exports (Salesforce opportunity reports, HubSpot deal exports, as CSV or
XLSX) turned into weekly revenue, wins, win rate and cycle days per rep.

Nothing is guessed: numbers and dates are read under the mapping's declared number format
and date order; values that are blank, NaN, non-finite, out of the KPI's range or in a
period outside 1990..one year ahead are row errors (blanks may be declared "no data", then
they are counted as skipped).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from sustain.lib import tabular
from sustain.lib.tabular import CellError, ErrorLog, Locale, Preview, Rejected, Table

# Kept for callers of the first importer.
RowError = CellError
ImportRejected = Rejected

PANEL_FORMATS = ("wide", "long")
EARLIEST = dt.date(1990, 1, 1)
MAX_REPORTED = 200

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
        "id": ["Opportunity ID", "Opportunity Id", "Record ID"],
    },
    "hubspot": {
        "owner": ["Deal owner email", "Deal Owner Email", "Deal owner", "Deal Owner"],
        "amount": ["Amount", "Amount in company currency"],
        "close_date": ["Close Date"],
        "stage": ["Deal Stage"],
        "created_date": ["Create Date"],
        "id": ["Record ID", "Deal ID"],
    },
}
# What each CRM KPI needs beyond the owner, the stage and the close date.
CRM_KPIS: dict[str, tuple[str, ...]] = {
    "revenue": ("amount",),
    "wins": (),
    "win_rate": (),
    "cycle_days": ("created_date",),
}
CRM_REQUIRED = ("owner", "stage", "close_date")
# The columns a downloadable template shows, per source.
TEMPLATE_COLUMNS: dict[str, list[str]] = {
    "panel": ["rep", "period", "revenue", "wins"],
    "salesforce": [
        "Opportunity ID",
        "Opportunity Name",
        "Opportunity Owner",
        "Owner Email",
        "Stage",
        "Amount",
        "Close Date",
        "Created Date",
    ],
    "hubspot": [
        "Record ID",
        "Deal Name",
        "Deal Stage",
        "Amount",
        "Close Date",
        "Create Date",
        "Deal owner email",
    ],
}
WON = ("closed won", "closedwon", "won")
LOST = ("closed lost", "closedlost", "lost")
NON_NEGATIVE_UNITS = ("currency", "count", "ratio", "days")


@dataclass(frozen=True)
class Settings:
    """A saved mapping's settings: column names, the KPI columns to read (wide panels),
    number format and date order, encoding and delimiter ("" = detect), whether blank values
    mean "no data" (skipped) rather than errors, and the currency amounts are in."""

    columns: Mapping[str, str] = field(default_factory=dict)
    kpis: tuple[str, ...] = ()
    locale: Locale = field(default_factory=Locale)
    encoding: str = ""
    delimiter: str = ""
    blanks_are_no_data: bool = False
    currency: str = ""


@dataclass(frozen=True)
class KpiRule:
    key: str
    name: str
    unit: str = "number"
    min_value: float | None = None
    max_value: float | None = None
    allow_negative: bool = False
    currency: str = ""

    def bounds(self) -> tuple[float | None, float | None]:
        low = self.min_value
        if low is None and self.unit in NON_NEGATIVE_UNITS and not self.allow_negative:
            low = 0.0
        return low, self.max_value


@dataclass
class Parsed:
    frame: pd.DataFrame  # rep_id (int64), period (datetime64), kpi (str key), value (float64)
    rows_read: int
    preview: Preview
    names: dict[str, str] = field(default_factory=dict)  # key -> name as written
    currencies: dict[str, str] = field(default_factory=dict)  # key -> currency code
    units: dict[str, str] = field(default_factory=dict)  # key -> unit of a new KPI


def kpi_key(text: str) -> str:
    """A KPI key from a header as written: Unicode letters kept (ünïcødé_kpi stays so)."""
    return re.sub(r"[^\w]+", "_", text.strip().casefold()).strip("_")[:80] or "kpi"


class RepLookup:
    """Maps what a file calls a rep (email, CRM external id, or full name when unique) to a
    person id."""

    def __init__(self, people: list[tuple[int, str, str, str]]) -> None:
        self.keys: dict[str, int] = {}
        names: dict[str, list[int]] = {}
        for pk, _email, _external_id, name in people:
            names.setdefault(name.strip().casefold(), []).append(pk)
        # Names first so that emails and external ids win when they collide.
        for name, pks in names.items():
            if name and len(pks) == 1:
                self.keys[name] = pks[0]
        for pk, _email, external_id, _name in people:
            if external_id:
                self.keys[external_id.strip().casefold()] = pk
        for pk, email, _external_id, _name in people:
            self.keys[email.strip().casefold()] = pk

    def resolve(self, values: pd.Series) -> pd.Series:
        """Float series of person ids, NaN where no rep matches."""
        codes, uniques = tabular._factorize(values)
        mapped = np.array(
            [self.keys.get(str(u).strip().casefold(), np.nan) for u in uniques], dtype="float64"
        )
        out = np.full(len(values), np.nan)
        ok = codes >= 0
        out[ok] = mapped[codes[ok]]
        return pd.Series(out, index=values.index)


def parse_file(
    source_file: str | Path | IO[bytes] | bytes,
    *,
    filename: str,
    source: str,
    fmt: str | None,
    settings: Settings,
    reps: RepLookup,
    kpis: Mapping[str, KpiRule],
    today: dt.date,
    limit: int = MAX_REPORTED,
) -> Parsed:
    """The file as validated long values and a preview. Raises Rejected with every problem
    (the first `limit` listed, all counted)."""
    if source not in DEFAULT_COLUMNS:
        raise Rejected([CellError(filename, 0, "", source, "unknown source")])
    table = tabular.read_table(
        source_file,
        filename,
        encoding=settings.encoding,
        delimiter=settings.delimiter,
        limit=limit,
    )
    reader = _Reader(table, settings, reps, kpis, today, limit)
    if source == "panel":
        fmt = fmt or _guess_format(table.frame)
        if fmt not in PANEL_FORMATS:
            raise Rejected([CellError(filename, 0, "", fmt, "format must be wide or long")])
        parsed = reader.wide() if fmt == "wide" else reader.long()
    else:
        parsed = reader.crm(source)
    notes = [n for n in (_encoding_note(table), *table.notes) if n]
    parsed.preview.notes[:0] = notes
    return parsed


def _encoding_note(table: Table) -> str:
    if not table.encoding:
        return ""
    delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        table.delimiter, repr(table.delimiter)
    )
    return f"Read as {table.encoding}, {delimiter}-separated."


def _guess_format(frame: pd.DataFrame) -> str:
    lower = {str(c).strip().casefold() for c in frame.columns}
    return "long" if {"kpi", "value"} <= lower else "wide"


class _Reader:
    def __init__(
        self,
        table: Table,
        settings: Settings,
        reps: RepLookup,
        kpis: Mapping[str, KpiRule],
        today: dt.date,
        limit: int,
    ) -> None:
        self.table = table
        self.frame = table.frame
        self.rows = table.rows
        self.settings = settings
        self.reps = reps
        self.kpis = kpis
        self.latest = today + dt.timedelta(days=365)
        self.errors = ErrorLog(table.filename, limit)
        self.preview = Preview()
        # Existing KPIs by their name as written, so a "Revenue" column is KPI `revenue`.
        self.by_name = {r.name.casefold(): r.key for r in kpis.values()}

    # Columns -----------------------------------------------------------------------------

    def column(self, source: str, field_name: str, *, required: bool = True) -> str | None:
        return tabular.pick_column(
            self.table,
            DEFAULT_COLUMNS[source][field_name],
            declared=self.settings.columns.get(field_name) or None,
            errors=self.errors if required else None,
            field=field_name,
        )

    def key_for(self, header: str) -> str:
        return self.by_name.get(header.strip().casefold()) or kpi_key(header)

    # Shared cell checks -----------------------------------------------------------------

    def rep_ids(self, column: str, mask: np.ndarray | None = None) -> pd.Series:
        values = self.frame[column]
        ids = self.reps.resolve(values)
        blank = tabular._is_blank_series(values)
        relevant = np.ones(len(values), bool) if mask is None else mask
        self.errors.add(blank & relevant, self.rows, column, values, "no rep given")
        self.errors.add(
            ids.isna().to_numpy() & ~blank & relevant,
            self.rows,
            column,
            values,
            "unknown rep: no person with this email, external id or name",
        )
        return ids

    def periods(self, column: str, mask: np.ndarray | None = None) -> pd.Series:
        values = self.frame[column]
        parsed = tabular.parse_dates(values, self.settings.locale)
        relevant = np.ones(len(values), bool) if mask is None else mask
        self.errors.add(parsed.bad & relevant, self.rows, column, values, parsed.reason)
        self.errors.add(parsed.blank & relevant, self.rows, column, values, "no date given")
        days = parsed.values
        early = (days < pd.Timestamp(EARLIEST)).to_numpy()
        late = (days > pd.Timestamp(self.latest)).to_numpy()
        self.errors.add(
            (early | late) & relevant,
            self.rows,
            column,
            values,
            f"outside the accepted periods ({EARLIEST} to {self.latest})",
        )
        return days

    def numbers(
        self,
        column: str,
        rule: KpiRule,
        rows: np.ndarray,
        values: pd.Series,
        mask: np.ndarray | None = None,
        parsed: tabular.Parsed | None = None,
    ) -> tuple[pd.Series, np.ndarray, str]:
        """Values checked against the KPI's range and currency; returns values, the blank
        mask (errors unless blanks are no data) and the currency found. `parsed`: the
        column already parsed (a long panel's value column serves every KPI)."""
        parsed = parsed or tabular.parse_numbers(values, self.settings.locale)
        relevant = np.ones(len(values), bool) if mask is None else mask
        self.errors.add(parsed.bad & relevant, rows, column, values, parsed.reason)
        if not self.settings.blanks_are_no_data:
            self.errors.add(
                parsed.blank & relevant,
                rows,
                column,
                values,
                "no value (blank or NaN); declare blanks as 'no data' in the mapping to skip them",
            )
        low, high = rule.bounds()
        v = parsed.values.to_numpy()
        if low is not None:
            self.errors.add(
                (v < low) & relevant,
                rows,
                column,
                values,
                f"below the minimum of {rule.name} ({low:g})",
            )
        if high is not None:
            self.errors.add(
                (v > high) & relevant,
                rows,
                column,
                values,
                f"above the maximum of {rule.name} ({high:g})",
            )
        currency = self.currency(parsed, relevant, rows, column, values, rule)
        return parsed.values, parsed.blank & relevant, currency

    def currency(
        self,
        parsed: tabular.Parsed,
        relevant: np.ndarray,
        rows: np.ndarray,
        column: str,
        values: pd.Series,
        rule: KpiRule,
    ) -> str:
        assert parsed.currency is not None
        written = parsed.currency[relevant & ~parsed.bad]
        found = pd.Series(written[written != ""], dtype=object)
        if found.empty:
            return self.settings.currency or rule.currency
        codes = found.map(lambda c: tabular.CURRENCY_SYMBOLS.get(c, c))
        expected = self.settings.currency or rule.currency or str(codes.value_counts().index[0])
        accepted = {
            c
            for c in set(found)
            if c == expected
            or expected in tabular.SYMBOL_SHARED.get(c, {tabular.CURRENCY_SYMBOLS.get(c)})
        }
        wrong = relevant & (parsed.currency != "") & ~np.isin(parsed.currency, list(accepted))
        why = (
            f"in another currency than {rule.name}'s {expected}"
            if rule.currency or self.settings.currency
            else f"mixed currencies: most amounts are {expected}"
        )
        self.errors.add(wrong, rows, column, values, why)
        return expected

    def rule(self, key: str, name: str, unit: str = "number") -> KpiRule:
        return self.kpis.get(key) or KpiRule(key=key, name=name, unit=unit)

    # Panels ------------------------------------------------------------------------------

    def wide(self) -> Parsed:
        rep_col = self.column("panel", "rep")
        period_col = self.column("panel", "period")
        self.errors.raise_if_any()
        assert rep_col and period_col
        value_cols = [c for c in self.frame.columns if c not in (rep_col, period_col)]
        if self.settings.kpis:
            wanted = {k.casefold() for k in self.settings.kpis}
            value_cols = [c for c in value_cols if c.casefold() in wanted]
        if not value_cols:
            raise Rejected(
                [CellError(self.table.filename, self.table.header_row, "", "", "no KPI columns")]
            )
        keys: dict[str, str] = {}
        for c in value_cols:
            key = self.key_for(c)
            if key in keys.values():
                other = next(h for h, k in keys.items() if k == key)
                self.errors.one(self.table.header_row, c, c, f"the same KPI as column {other!r}")
            keys[c] = key
        rep_ids = self.rep_ids(rep_col)
        periods = self.periods(period_col)
        parts = []
        parsed = Parsed(pd.DataFrame(), len(self.frame), self.preview)
        for c in value_cols:
            rule = self.rule(keys[c], c)
            values, blank, currency = self.numbers(c, rule, self.rows, self.frame[c])
            self._note_kpi(parsed, keys[c], c, currency, rule)
            if self.settings.blanks_are_no_data:
                self.preview.skip(f"{c}: blank (no data)", blank, self.rows)
            keep = ~blank
            parts.append(
                pd.DataFrame(
                    {
                        "pos": np.flatnonzero(keep),
                        "kpi": keys[c],
                        "value": values.to_numpy()[keep],
                    }
                )
            )
        long = pd.concat(parts, ignore_index=True)
        return self._finish(parsed, long, rep_ids, periods, period_col)

    def long(self) -> Parsed:
        cols = {f: self.column("panel", f) for f in ("rep", "period", "kpi", "value")}
        self.errors.raise_if_any()
        rep_col, period_col, kpi_col, value_col = (
            str(cols[f]) for f in ("rep", "period", "kpi", "value")
        )
        rep_ids = self.rep_ids(rep_col)
        periods = self.periods(period_col)
        codes, uniques = tabular._factorize(self.frame[kpi_col])
        u_names = [str(u).strip() if isinstance(u, str) else "" for u in uniques] + [""]
        u_keys = [self.key_for(n) if n else "" for n in u_names]
        names = np.asarray(u_names, dtype=object)[codes]
        keys = np.asarray(u_keys, dtype=object)[codes]
        named = names != ""
        self.errors.add(~named, self.rows, kpi_col, self.frame[kpi_col], "no KPI name")
        keep = named.copy()
        if self.settings.kpis:
            wanted = {k.casefold() for k in self.settings.kpis}
            u_wanted = np.array([n.casefold() in wanted for n in u_names])
            other = ~u_wanted[codes] & named
            self.preview.skip("a KPI this mapping does not import", other, self.rows)
            keep &= ~other
        parsed = Parsed(pd.DataFrame(), len(self.frame), self.preview)
        numbers = tabular.parse_numbers(self.frame[value_col], self.settings.locale)
        for key in sorted(set(keys[keep])):
            mask = (keys == key) & keep
            first_name = str(names[mask][0])
            rule = self.rule(key, first_name)
            _values, blank, currency = self.numbers(
                value_col, rule, self.rows, self.frame[value_col], mask, numbers
            )
            self._note_kpi(parsed, key, first_name, currency, rule)
            if self.settings.blanks_are_no_data:
                self.preview.skip(f"{first_name}: blank (no data)", blank, self.rows)
            keep &= ~blank
        long = pd.DataFrame(
            {
                "pos": np.flatnonzero(keep),
                "kpi": keys[keep],
                "value": numbers.values.to_numpy()[keep],
            }
        )
        return self._finish(parsed, long, rep_ids, periods, period_col)

    def _note_kpi(self, parsed: Parsed, key: str, name: str, currency: str, rule: KpiRule) -> None:
        parsed.names.setdefault(key, name)
        if currency:
            parsed.currencies[key] = currency
        parsed.units.setdefault(key, rule.unit)

    def _finish(
        self,
        parsed: Parsed,
        long: pd.DataFrame,
        rep_ids: pd.Series,
        periods: pd.Series,
        period_col: str,
    ) -> Parsed:
        pos = long["pos"].to_numpy()
        long = long.assign(rep_id=rep_ids.to_numpy()[pos], period=periods.to_numpy()[pos])
        dup = long.duplicated(["rep_id", "period", "kpi"], keep="first").to_numpy(copy=True)
        dup &= long["rep_id"].notna().to_numpy() & long["period"].notna().to_numpy()
        self.errors.add(
            dup,
            self.rows[pos],
            period_col,
            self.frame[period_col].to_numpy()[pos],
            "the same rep, period and KPI appear twice",
        )
        self.errors.raise_if_any()
        parsed.frame = pd.DataFrame(
            {
                "rep_id": long["rep_id"].astype("int64").to_numpy(),
                "period": pd.to_datetime(long["period"]).dt.normalize().to_numpy(),
                "kpi": long["kpi"].astype(str).to_numpy(),
                "value": long["value"].astype("float64").to_numpy(),
            }
        )
        self._count(parsed)
        return parsed

    def _count(self, parsed: Parsed) -> None:
        counts = parsed.frame["kpi"].value_counts()
        skipped = {s.reason.split(":")[0]: s.count for s in self.preview.skipped}
        self.preview.targets = [
            tabular.TargetCount(
                key=k,
                name=parsed.names.get(k, k),
                rows=int(counts.get(k, 0)),
                skipped=int(skipped.get(parsed.names.get(k, k), 0)),
            )
            for k in sorted(set(parsed.names) | set(counts.index))
        ]

    # CRM exports -------------------------------------------------------------------------

    def crm(self, source: str) -> Parsed:
        cols = {f: self.column(source, f) for f in CRM_REQUIRED}
        optional = {
            f: self.column(source, f, required=False) for f in ("amount", "created_date", "id")
        }
        wanted = [k for k in CRM_KPIS if not self.settings.kpis or k in self.settings.kpis]
        if "revenue" in self.settings.kpis and not optional["amount"]:
            self.column(source, "amount")
        if "cycle_days" in self.settings.kpis and not optional["created_date"]:
            self.column(source, "created_date")
        self.errors.raise_if_any()
        produced = [k for k in wanted if all(optional.get(n) for n in CRM_KPIS[k])]
        for k in set(wanted) - set(produced):
            need = " and ".join(repr(DEFAULT_COLUMNS[source][n][0]) for n in CRM_KPIS[k])
            self.preview.notes.append(f"{k} not computed: the file has no {need} column.")
        owner, stage_col, close_col = (str(cols[f]) for f in CRM_REQUIRED)
        n = len(self.frame)
        stage = self.frame[stage_col].map(
            lambda v: str(v).strip().casefold() if v is not None else ""
        )
        won = (stage.isin(WON) | stage.str.startswith("closed won")).to_numpy(copy=True)
        lost = (stage.isin(LOST) | stage.str.startswith("closed lost")).to_numpy(copy=True)
        closed = won | lost
        self.preview.skip("open deal (not closed won or lost)", ~closed, self.rows)
        if optional["id"]:
            ids = self.frame[str(optional["id"])].map(
                lambda v: "" if tabular._blank(v) else str(v).strip()
            )
            repeated = (ids != "").to_numpy() & ids.duplicated(keep="last").to_numpy()
            self.preview.skip(
                f"repeated {optional['id']} (the last row for it counts)", repeated, self.rows
            )
            closed &= ~repeated
            won &= ~repeated
        rep_ids = self.rep_ids(owner, closed)
        close = self.periods(close_col, closed)
        parsed = Parsed(pd.DataFrame(), n, self.preview)
        amount = pd.Series(np.zeros(n))
        if "revenue" in produced:
            column = str(optional["amount"])
            rule = self.rule("revenue", "Revenue", "currency")
            values, blank, currency = self.numbers(column, rule, self.rows, self.frame[column], won)
            if self.settings.blanks_are_no_data:
                self.preview.skip("won deal without an amount (no data)", blank, self.rows)
                won &= ~blank
                closed &= ~blank
            amount = values.fillna(0.0)
            self._note_kpi(parsed, "revenue", rule.name, currency, rule)
        cycle = pd.Series(np.full(n, np.nan))
        if "cycle_days" in produced:
            column = str(optional["created_date"])
            created = self.periods(column, won)
            # Calendar days: both ends are dates, so a close earlier in the day than the
            # creation does not lose a day.
            cycle = (close - created).dt.days.astype("float64")
            self.errors.add(
                (cycle < 0).to_numpy() & won,
                self.rows,
                column,
                self.frame[column],
                "created after the close date",
            )
        self.errors.raise_if_any()
        if not closed.any():
            raise Rejected(
                [
                    CellError(
                        self.table.filename,
                        0,
                        stage_col,
                        "",
                        "no closed deal in the file (only open ones): nothing to import",
                    )
                ]
            )
        deals = pd.DataFrame(
            {
                "rep_id": rep_ids[closed].astype("int64").to_numpy(),
                "period": (close[closed] - pd.to_timedelta(close[closed].dt.day_of_week, unit="D"))
                .dt.normalize()
                .to_numpy(),
                "won": won[closed],
                "won_amount": np.where(won[closed], amount[closed].to_numpy(), 0.0),
                "won_cycle": np.where(won[closed], cycle[closed].to_numpy(), np.nan),
            }
        )
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
            id_vars=["rep_id", "period"], value_vars=produced, var_name="kpi", value_name="value"
        ).dropna(subset=["value"])
        for key in produced:
            default = {"wins": "count", "win_rate": "ratio", "cycle_days": "days"}.get(
                key, "currency"
            )
            self._note_kpi(
                parsed, key, self.rule(key, key, default).name, "", self.rule(key, key, default)
            )
        parsed.frame = long.reset_index(drop=True)[["rep_id", "period", "kpi", "value"]]
        self._count(parsed)
        # Skipped deals (open, repeated) feed none of the KPIs.
        unused = sum(s.count for s in self.preview.skipped)
        for target in self.preview.targets:
            target.skipped = unused
        return parsed
