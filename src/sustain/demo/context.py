from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sustain.orgs.models import Organization, Person, Team
from sustain.programs.models import Program, WorkshopSession

DEMO_PASSWORD = "sustain-demo"
DEMO_SLUG = "northwind"


@dataclass
class DemoContext:
    """What the core demo built, handed to each app's demo step."""

    today: dt.date
    rng: random.Random
    org: Organization
    program: Program
    logins: dict[str, Person]
    managers: list[Person] = field(default_factory=list)
    reps: list[Person] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    sessions: list[WorkshopSession] = field(default_factory=list)
