"""The default alert rules, from the seeds' account of the fade: each with its threshold,
its severity and after how many days an unacknowledged alert also goes to the
recipient's own manager (the program owner for managers, an executive for the owner)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    threshold: float
    unit: str
    severity: str
    escalate_after_days: int = 7


RULES: tuple[Rule, ...] = (
    Rule("manager_not_coaching", "Manager not coaching", 21, "days without an observation", "bad"),
    Rule(
        "team_refresher_low",
        "Team refresher participation low",
        0.5,
        "share of reps answering in 14 days",
        "warn",
    ),
    Rule("rep_missed_checkins", "Rep missed check-ins", 3, "check-ins missed in a row", "warn"),
    Rule("certification_lapsed", "Certification lapsed", 0, "(no threshold)", "bad"),
    Rule("team_health_falling", "Team health falling", 3, "weeks in a row", "warn"),
    Rule("program_no_analysis", "No impact analysis yet", 60, "days since the workshop", "warn"),
    Rule(
        "team_adoption_low",
        "Team not using the techniques in calls",
        0.3,
        "share of calls showing a technique, 3 weeks running",
        "warn",
    ),
)
# Weeks in a row a team's share of calls must stay below the threshold to alert.
ADOPTION_WEEKS = 3
BY_KEY = {r.key: r for r in RULES}


def effective(overrides: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    overrides = overrides or {}
    out = {}
    for r in RULES:
        given = overrides.get(r.key) or {}
        out[r.key] = {
            "enabled": bool(given.get("enabled", True)),
            "threshold": float(given.get("threshold", r.threshold)),
            "escalate_after_days": int(given.get("escalate_after_days", r.escalate_after_days)),
        }
    return out


def validate(overrides: Mapping[str, Any]) -> dict[str, str]:
    errors = {}
    for key, given in overrides.items():
        if key not in BY_KEY:
            errors[key] = "Unknown rule."
            continue
        try:
            conf = effective({key: given})[key]
        except (TypeError, ValueError):
            errors[key] = "Threshold and escalation days must be numbers."
            continue
        if conf["threshold"] < 0:
            errors[key] = "The threshold cannot be negative."
        elif not 1 <= conf["escalate_after_days"] <= 90:
            errors[key] = "Escalate after 1 to 90 days."
    return errors
