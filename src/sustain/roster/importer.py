"""Reading a roster (the HRIS or CRM user export) into validated rows, without the database.

Columns: `email, name, role, team, region, manager_email, hire_date, time_zone`. The header names that
Workday, BambooHR and Salesforce user exports use are accepted too (ALIASES), and a saved
mapping names the header of any field explicitly. Only `email` and a name (`name`, or first
and last name columns) are required; a field whose column is absent leaves that field of
existing people as it is. Every problem is a CellError naming the row as the spreadsheet
numbers it and the column as its header is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sustain.lib.uploads import CellError, Table
from sustain.notify.models import time_zone_names
from sustain.orgs.models import Role

FIELDS = ("email", "name", "role", "team", "region", "manager_email", "hire_date", "time_zone")
# Lower-case header names per field, in order of preference.
ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "work email",
        "email - primary work",  # Workday
        "primary work email",
        "email address",
        "work email address",
        "e-mail",
        "business email",
    ),
    "name": (
        "name",
        "full name",  # Salesforce user report
        "employee name",  # BambooHR
        "worker",  # Workday
        "preferred name",
        "legal name",
        "display name",
    ),
    "first_name": ("first name", "firstname", "legal name - first name", "preferred first name"),
    "last_name": ("last name", "lastname", "legal name - last name", "preferred last name"),
    "role": ("role", "sustain role", "sales role"),
    "team": ("team", "team name", "supervisory organization", "department", "sales team"),
    "region": ("region", "sales region", "division", "territory", "location"),
    "manager_email": (
        "manager_email",
        "manager email",
        "manager: email",  # Salesforce user report
        "manager.email",  # Salesforce Data Loader
        "manager - email",
        "worker's manager email",  # Workday
        "supervisor email",  # BambooHR
        "supervisor email address",
        "reports to email",
    ),
    "hire_date": (
        "hire_date",
        "hire date",  # Workday, BambooHR
        "original hire date",
        "most recent hire date",
        "start date",
        "date of hire",
    ),
    "time_zone": (
        "time_zone",
        "time zone",
        "timezone",
        "timezonesidkey",  # Salesforce user object: IANA names already
        "time zone id",
        "tz",
    ),
}
MAPPABLE = (*FIELDS, "first_name", "last_name")
# A saved mapping's header, on the page and in the API.
HEADER_MAX_LENGTH = 200
# Mapped to IGNORE, a field is not read even when a recognized header is there (Salesforce's
# "Role" column holds its own role hierarchy, not Sustain's roles).
IGNORE = "-"
ROLE_NAMES = {
    **{value: value for value in Role.values},
    **{str(label).lower(): value for value, label in Role.choices},
    "sales rep": Role.REP,
    "representative": Role.REP,
    "program owner": Role.OWNER,
    "trainer": Role.TRAINER,
    "administrator": Role.ADMIN,
}
EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+$")


@dataclass
class RosterRow:
    """One person as the file gives her. A field is None when its column is absent (leave
    it as it is) and "" when the cell is empty (clear it)."""

    row: int
    email: str
    name: str
    role: str | None
    team: str | None
    region: str | None
    manager_email: str | None
    hire_date: dt.date | None
    has_hire_date: bool
    time_zone: str | None = None


@dataclass
class Roster:
    rows: list[RosterRow]
    headers: dict[str, str]  # field -> the header it was read from


def find_columns(
    table: Table, mapping: Mapping[str, str]
) -> tuple[dict[str, int], list[CellError]]:
    """The column index of each field found: the mapped header, else the first alias."""
    folded = {h.strip().casefold(): i for i, h in reversed(list(enumerate(table.columns)))}
    found: dict[str, int] = {}
    errors = []
    for field in MAPPABLE:
        declared = (mapping.get(field) or "").strip()
        if declared == IGNORE:
            continue  # the export has a column of that name that means something else
        if declared:
            if declared.casefold() in folded:
                found[field] = folded[declared.casefold()]
            else:
                errors.append(CellError(1, declared, f"missing column (mapped to {field})"))
            continue
        for alias in ALIASES[field]:
            if alias in folded:
                found[field] = folded[alias]
                break
    if "email" not in found and not mapping.get("email"):
        errors.append(CellError(1, "email", "missing column: the person's work email"))
    has_name = "name" in found or ("first_name" in found and "last_name" in found)
    if not has_name and not mapping.get("name"):
        errors.append(CellError(1, "name", "missing column: the person's name"))
    return found, errors


def parse_date(text: str, order: str = "") -> tuple[dt.date | None, str]:
    """ISO dates, month names, and d/m/y or m/d/y as `order` says; without an order a date
    that reads as two different days is an error, never a guess."""
    s = text.strip()
    m = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$", s)
    if m:
        return _day(int(m[1]), int(m[2]), int(m[3]))
    m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s.*)?$", s)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if order == "dmy":
            return _day(year, b, a)
        if order == "mdy":
            return _day(year, a, b)
        dmy, mdy = _day(year, b, a)[0], _day(year, a, b)[0]
        if dmy and mdy and dmy != mdy:
            return None, "ambiguous date: write it as YYYY-MM-DD or save the date order"
        return (dmy or mdy, "") if (dmy or mdy) else (None, "no such date")
    for fmt in ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%b %d %Y"):
        try:
            return dt.datetime.strptime(s, fmt).date(), ""
        except ValueError:
            continue
    return None, "not a date (expected YYYY-MM-DD)"


def parse_time_zone(text: str) -> tuple[str | None, str]:
    """An IANA time zone name in its canonical spelling, whatever the case ("europe/paris"
    is Europe/Paris). Offsets and display names ("GMT-05:00", "Eastern Time") are
    refused: an offset changes with daylight saving time, so it cannot place quiet hours."""
    name = text.strip()
    canonical = _time_zones_folded().get(name.casefold())
    if canonical is None:
        return None, "not a time zone: use an IANA name such as Europe/Paris or America/New_York"
    return canonical, ""


@functools.cache
def _time_zones_folded() -> dict[str, str]:
    return {name.casefold(): name for name in time_zone_names()}


def _day(y: int, m: int, d: int) -> tuple[dt.date | None, str]:
    try:
        return dt.date(y, m, d), ""
    except ValueError:
        return None, "no such date"


def parse_roster(
    table: Table, *, mapping: Mapping[str, str], date_order: str = ""
) -> tuple[Roster, list[CellError]]:
    """The rows, and every problem a row shows by itself or against the other rows
    (duplicate emails, a manager chain that loops). Checks that need the database (unknown
    or ineligible managers, emails in use elsewhere) are the service's."""
    cols, errors = find_columns(table, mapping)
    headers = {f: table.columns[i] for f, i in cols.items()}
    if errors:
        return Roster([], headers), errors
    rows: list[RosterRow] = []
    first_row: dict[str, int] = {}
    for number, cells in table.rows:

        def cell(field: str, cells: list[str] = cells) -> str | None:
            return cells[cols[field]].strip() if field in cols else None

        email = (cell("email") or "").lower()
        if not email:
            errors.append(CellError(number, headers["email"], "the email is empty"))
        elif not EMAIL.match(email):
            errors.append(CellError(number, headers["email"], "not an email address"))
        elif len(email) > 254:
            errors.append(CellError(number, headers["email"], "longer than 254 characters"))
        elif email in first_row:
            errors.append(
                CellError(
                    number, headers["email"], f"duplicate email: also on row {first_row[email]}"
                )
            )
        else:
            first_row[email] = number
        name = cell("name")
        if name is None or (not name and "first_name" in cols):
            name = " ".join(filter(None, (cell("first_name"), cell("last_name"))))
        if not name:
            errors.append(
                CellError(
                    number,
                    headers.get("name", headers.get("first_name", "name")),
                    "the name is empty",
                )
            )
        role = cell("role")
        if role:
            role = ROLE_NAMES.get(role.lower())
            if role is None:
                known = ", ".join(Role.values)
                errors.append(CellError(number, headers["role"], f"unknown role (one of {known})"))
        manager = cell("manager_email")
        if manager:
            manager = manager.lower()
            if not EMAIL.match(manager):
                errors.append(CellError(number, headers["manager_email"], "not an email address"))
            elif manager == email:
                errors.append(
                    CellError(
                        number, headers["manager_email"], "a person cannot be her own manager"
                    )
                )
        for field in ("team", "region"):
            if len(cell(field) or "") > 120:
                errors.append(CellError(number, headers[field], "longer than 120 characters"))
        hire_text = cell("hire_date")
        hire_date = None
        if hire_text:
            hire_date, why = parse_date(hire_text, date_order)
            if hire_date is None:
                errors.append(CellError(number, headers["hire_date"], why))
        time_zone = cell("time_zone")
        if time_zone:
            time_zone, why = parse_time_zone(time_zone)
            if time_zone is None:
                errors.append(CellError(number, headers["time_zone"], why))
        rows.append(
            RosterRow(
                row=number,
                email=email,
                name=name[:200],
                role=role,
                team=cell("team"),
                region=cell("region"),
                manager_email=manager,
                hire_date=hire_date,
                has_hire_date=hire_text is not None,
                time_zone=time_zone,
            )
        )
    if not rows and not errors:
        errors.append(CellError(2, "", "the file has no people"))
    errors += manager_loops(rows, headers.get("manager_email", "manager_email"))
    return Roster(rows, headers), errors


def manager_loops(rows: list[RosterRow], column: str) -> list[CellError]:
    """Rows whose manager chain (email → manager_email → ...) comes back to itself."""
    manager_of = {r.email: r.manager_email for r in rows if r.manager_email and r.email}
    row_of = {r.email: r.row for r in rows}
    in_loop: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in manager_of:
        path: list[str] = []
        seen: dict[str, int] = {}
        person: str | None = start
        while person is not None and person not in done and person not in seen:
            seen[person] = len(path)
            path.append(person)
            person = manager_of.get(person)
        if person is not None and person in seen:
            loop = path[seen[person] :]
            for member in loop:
                in_loop[member] = loop
        done.update(path)
    errors = []
    for email, loop in in_loop.items():
        i = loop.index(email)
        chain = " → ".join([*loop[i:], *loop[:i], email])
        if len(loop) > 1:
            errors.append(CellError(row_of[email], column, f"the manager chain loops: {chain}"))
    return errors
