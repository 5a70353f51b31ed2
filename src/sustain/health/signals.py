"""The health signals: what each measures, its default weight and thresholds, and what to
do when it is low. Pure functions: a value and its settings in, a status and a score out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OK, WARN, BAD = "ok", "warn", "bad"


@dataclass(frozen=True)
class Signal:
    key: str
    label: str
    higher_is_better: bool
    ok: float  # at or beyond this: ok
    bad: float  # at or beyond this the other way: bad; warn in between
    weight: float
    unit: str  # "share", "days", "count", "points", "score"
    action: str
    program_only: bool = False


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "coaching_coverage",
        "Coaching coverage",
        True,
        0.8,
        0.5,
        3,
        "share",
        "Observe the overdue reps this week; the program's Coaching page lists them.",
    ),
    Signal(
        "coaching_cadence",
        "Days since the last observation",
        False,
        14,
        21,
        2,
        "days",
        "Book one observation this week: a ride-along, a call review or a role-play.",
    ),
    Signal(
        "refresher_participation",
        "Refresher participation (last 14 days)",
        True,
        0.7,
        0.5,
        2,
        "share",
        "Ask the team to answer today's refreshers; two minutes in the next team meeting.",
    ),
    Signal(
        "refresher_retention",
        "Refresher answers correct (last 28 days)",
        True,
        0.8,
        0.6,
        1,
        "share",
        "Go over the most-missed concept in a 1:1; the Refreshers page shows which.",
    ),
    Signal(
        "plan_commitment",
        "90-day plans committed",
        True,
        0.9,
        0.6,
        1,
        "share",
        "Sit down with the reps who have not committed their plan and agree it this week.",
    ),
    Signal(
        "checkin_missed",
        "Check-ins missed in a row",
        False,
        1,
        3,
        2,
        "count",
        "Remind the reps to check in; use the check-in as the agenda of the next 1:1.",
    ),
    Signal(
        "rubric_trend",
        "Rubric score trend (last 6 weeks vs before)",
        True,
        0.0,
        -0.3,
        1,
        "points",
        "Scores are slipping: observe the concept of the current phase and re-model it.",
    ),
    Signal(
        "certification",
        "Reps whose manager is certified and current",
        True,
        0.99,
        0.5,
        1,
        "share",
        "Managers whose certification lapsed must get their cadence back; see Certification.",
    ),
    Signal(
        "buy_in_pulse",
        "Buy-in pulse (1-5)",
        True,
        4.0,
        3.0,
        1,
        "score",
        "Low buy-in: the executive re-states the why in the next team meeting.",
    ),
    Signal(
        "owner_fit",
        "Owner fit (sales experience, time for the program)",
        True,
        1.0,
        0.5,
        1,
        "share",
        "Give the owner the time the program needs, or name a sales-savvy co-owner.",
        program_only=True,
    ),
)
BY_KEY = {s.key: s for s in SIGNALS}


def effective(overrides: Mapping[str, Any] | None) -> dict[str, dict[str, float]]:
    """{key: {"weight", "ok", "bad"}} with a program's overrides over the defaults."""
    overrides = overrides or {}
    out = {}
    for s in SIGNALS:
        given = overrides.get(s.key) or {}
        out[s.key] = {
            "weight": float(given.get("weight", s.weight)),
            "ok": float(given.get("ok", s.ok)),
            "bad": float(given.get("bad", s.bad)),
        }
    return out


def validate(overrides: Mapping[str, Any]) -> dict[str, str]:
    """Errors by signal key; empty when the overrides are usable."""
    errors = {}
    for key, given in overrides.items():
        signal = BY_KEY.get(key)
        if signal is None:
            errors[key] = "Unknown signal."
            continue
        conf = effective({key: given})[key]
        if conf["weight"] < 0 or conf["weight"] > 10:
            errors[key] = "The weight is between 0 and 10."
        elif signal.higher_is_better and conf["ok"] <= conf["bad"]:
            errors[key] = "For this signal the ok threshold must be above the bad one."
        elif not signal.higher_is_better and conf["ok"] >= conf["bad"]:
            errors[key] = "For this signal the ok threshold must be below the bad one."
    return errors


def goodness(value: float, conf: Mapping[str, float], higher_is_better: bool) -> float:
    """1 at or past the ok threshold, 0 at or past the bad one, linear in between."""
    ok, bad = conf["ok"], conf["bad"]
    if not higher_is_better:
        value, ok, bad = -value, -ok, -bad
    if value >= ok:
        return 1.0
    if value <= bad:
        return 0.0
    return (value - bad) / (ok - bad)


def status(value: float, conf: Mapping[str, float], higher_is_better: bool) -> str:
    g = goodness(value, conf, higher_is_better)
    return OK if g >= 1.0 else BAD if g <= 0.0 else WARN


def fmt(signal: Signal, value: float) -> str:
    if signal.unit == "share":
        return f"{value:.0%}"
    if signal.unit == "days":
        return f"{value:.0f} days"
    if signal.unit == "points":
        return f"{value:+.2f}"
    return f"{value:.1f}"


def explain(
    values: Mapping[str, tuple[float | None, str]], conf: Mapping[str, Mapping[str, float]]
) -> tuple[int, list[dict[str, Any]]]:
    """The score (0-100) and the signals as stored, from `values` = {key: (value, what it
    counts)}: compact, because a day holds a row per rep ({"key", "value", "status",
    "loss"}, plus "basis" when given and the "ok" threshold when not ok); `render` turns
    them into sentences. A signal without data is listed but not scored. The signals that
    pulled the score down most come first."""
    out: list[dict[str, Any]] = []
    total_w = 0.0
    got = 0.0
    for s in SIGNALS:
        if s.key not in values:
            continue
        value, basis = values[s.key]
        c = conf[s.key]
        row: dict[str, Any] = {"key": s.key, "value": None, "status": WARN, "loss": 0.0}
        if value is not None:
            g = goodness(value, c, s.higher_is_better)
            total_w += c["weight"]
            got += c["weight"] * g
            row["value"] = round(float(value), 3)
            row["status"] = OK if g >= 1.0 else BAD if g <= 0.0 else WARN
            row["loss"] = round(c["weight"] * (1 - g), 3)
            if row["status"] != OK:
                row["ok"] = c["ok"]
        if basis:
            row["basis"] = basis
        out.append(row)
    score = round(100 * got / total_w) if total_w else 0
    out.sort(key=lambda r: -r["loss"])
    return score, out


def render(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored signals with their label and a `detail` sentence: the value, what it
    counts, and when it is not ok, where ok starts and what to do."""
    out = []
    for row in stored:
        s = BY_KEY[row["key"]]
        basis = f" ({row['basis']})" if row.get("basis") else ""
        if row["value"] is None:
            detail = f"{s.label}: no data yet{basis}."
        else:
            detail = f"{s.label}: {fmt(s, row['value'])}{basis}."
            if row["status"] != OK:
                detail += f" Ok from {fmt(s, row['ok'])}. {s.action}"
        out.append({**row, "label": s.label, "detail": detail})
    return out
