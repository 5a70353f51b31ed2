"""A realistic HRIS roster export (Workday-style headers): one VP, regional directors,
teams of about 12 reps under one manager each, hire dates spread over ten years.

    .venv/bin/python benchmarks/roster/generate.py /tmp/roster.csv [PEOPLE]
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys

REGIONS = ["North America East", "North America West", "EMEA North", "EMEA South", "APAC"]
TEAM_SIZE = 12
HEADER = [
    "Employee ID",
    "Worker",
    "Email - Primary Work",
    "Role",
    "Supervisory Organization",
    "Location",
    "Manager Email",
    "Hire Date",
]


def rows(people: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    out: list[list[str]] = []

    def hire() -> str:
        return (dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3650))).isoformat()

    vp = "vp.sales@bench.example"
    out.append(["E0", "Vera President", vp, "executive", "", "", "", hire()])
    directors = []
    for i, region in enumerate(REGIONS):
        email = f"director{i}@bench.example"
        directors.append(email)
        out.append([f"D{i}", f"Director {i}", email, "executive", "", region, vp, hire()])
    n = len(out)
    team = 0
    while n < people:
        region = REGIONS[team % len(REGIONS)]
        manager = f"manager{team}@bench.example"
        name = f"{region} {team + 1}"
        out.append(
            [f"M{team}", f"Manager {team}", manager, "manager", name, region,
             directors[team % len(directors)], hire()]
        )
        n += 1
        for _ in range(min(TEAM_SIZE, people - n)):
            out.append(
                [f"R{n}", f"Rep {n}", f"rep{n}@bench.example", "rep", name, region, manager, hire()]
            )
            n += 1
        team += 1
    return out


def main(path: str, people: str = "20000") -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows(int(people)))


if __name__ == "__main__":
    main(*sys.argv[1:3])
