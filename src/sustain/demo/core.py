"""Northwind Supply: 3 regions, 9 managers, 81 reps, one program in its sustaining phase
with two trained cohorts and a third of the reps not yet trained (the comparison group)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from sustain.demo.context import DEMO_PASSWORD, DEMO_SLUG, DemoContext
from sustain.orgs import services as org_services
from sustain.orgs.models import Person, Role
from sustain.programs import services as program_services
from sustain.programs.models import ProgramStatus

FIRST = [
    "Ava",
    "Liam",
    "Maya",
    "Noah",
    "Zoe",
    "Ethan",
    "Priya",
    "Lucas",
    "Chloe",
    "Mateo",
    "Grace",
    "Omar",
    "Isla",
    "Caleb",
    "Nina",
    "Diego",
    "Hannah",
    "Ravi",
    "Leah",
    "Owen",
    "Sofia",
    "Jonah",
    "Amara",
    "Felix",
    "Elena",
    "Marcus",
    "Yara",
    "Theo",
    "Keiko",
    "Samir",
    "Julia",
    "Andre",
    "Mei",
    "Tobias",
    "Aisha",
    "Victor",
    "Lena",
    "Kwame",
    "Rosa",
    "Declan",
]
LAST = [
    "Chen",
    "Okafor",
    "Schmidt",
    "Garcia",
    "Novak",
    "Patel",
    "Johansson",
    "Rossi",
    "Kim",
    "Dubois",
    "Haddad",
    "Murphy",
    "Silva",
    "Nakamura",
    "Kowalski",
    "Mensah",
    "Larsen",
    "Ortiz",
    "Fischer",
    "Ahmed",
    "Brennan",
    "Costa",
    "Ivanova",
    "Moreau",
    "Tanaka",
    "Walsh",
    "Reyes",
    "Lindqvist",
    "Adeyemi",
    "Baptiste",
]

REGIONS = ["North", "Central", "South"]

CONCEPTS = [
    (
        "Pre-call planning",
        "Research the account and set a call objective the buyer would value.",
        [
            ("Call objective", "The commitment you want from the buyer at the end of the call."),
            ("Account brief", "One page of what you know and what you need to learn."),
        ],
    ),
    (
        "Discovery questioning",
        "Uncover the business problem behind the request before pitching.",
        [
            ("Open question", "A question that cannot be answered with yes or no."),
            ("Impact question", "Asks what the problem costs the buyer, in their own numbers."),
        ],
    ),
    (
        "Active listening",
        "Confirm understanding before responding.",
        [
            ("Summarize-back", "Restating the buyer's need in their words and checking it."),
            ("Talk ratio", "Share of the call the rep spends talking; aim under 45%."),
        ],
    ),
    (
        "Value proposition",
        "Tie capabilities to the buyer's stated outcomes.",
        [
            ("Value statement", "Outcome + evidence + differentiator, in one sentence."),
            ("Proof point", "A customer result that makes the claim credible."),
        ],
    ),
    (
        "Handling objections",
        "Treat objections as requests for information.",
        [
            ("Cushion", "Acknowledging the concern without agreeing or arguing."),
            ("Isolate", "Checking whether this is the only thing in the way."),
        ],
    ),
    (
        "Gaining commitment",
        "Ask for a clear next step every call.",
        [
            ("Next step", "A dated action both sides agreed to."),
            ("Trial close", "A question that tests readiness without asking for the order."),
        ],
    ),
]


PRINTED_MANAGER = "Dana Whitfield"
PRINTED_REP = "Riley Morgan"


def _unique_names(rng: random.Random) -> Iterator[str]:
    pairs = [f"{f} {last}" for f in FIRST for last in LAST]
    rng.shuffle(pairs)
    yield from (n for n in pairs if n not in (PRINTED_MANAGER, PRINTED_REP))


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@northwind.example"


CORE_TEAMS = 9
CORE_REPS = 81  # 9 teams of 9: the story every app's demo step tells


def build_core(*, today: dt.date, seed: int = 7, reps: int = CORE_REPS) -> DemoContext:
    """The organization, with `reps` reps (at most CORE_REPS; `sustain.demo.scale` adds
    the rest) spread evenly over the nine teams."""
    rng = random.Random(seed)
    org = org_services.organization_create(name="Northwind Supply", slug=DEMO_SLUG)

    def person(name: str, role: str, title: str, **extra: Any) -> Person:
        return org_services.person_create(
            organization=org, email=_email(name), name=name, role=role, title=title, **extra
        )

    names = _unique_names(rng)
    executive = person(next(names), Role.EXECUTIVE, "VP Sales")
    owner = person(
        next(names),
        Role.OWNER,
        "Sales Enablement Director",
        hire_date=today - dt.timedelta(days=2200),
    )
    trainer = person(next(names), Role.TRAINER, "Facilitator, Summit Sales Training")
    analyst = person(next(names), Role.ANALYST, "Revenue Operations Analyst")
    # The organization's admin works in Sustain's pages; Django's admin is for platform
    # operators (`sustain createsuperuser`), never for an organization's people.
    admin = person(next(names), Role.ADMIN, "Sales Operations Admin")

    regions = [org_services.region_get_or_create(organization=org, name=r) for r in REGIONS]
    program = program_services.program_create(
        organization=org,
        name="Consultative Selling 2026",
        vendor="Summit Sales Training",
        description=(
            "Six concepts of consultative selling, taught in a two-day workshop and "
            "reinforced for 90 days by managers' coaching, refreshers and development plans."
        ),
        owner=owner,
        status=ProgramStatus.SUSTAINING,
        budget_workshop=Decimal("180000"),
        budget_reinforcement=Decimal("45000"),
    )
    for position, (name, description, terms) in enumerate(CONCEPTS):
        concept = program_services.concept_create(
            program=program, name=name, description=description, position=position
        )
        for term, definition in terms:
            program_services.glossary_term_create(concept=concept, term=term, definition=definition)

    # Cohort 1 (North and half of Central) about 24 weeks ago; cohort 2 (the rest of
    # Central) about 10 weeks ago; South is not trained yet: the comparison group.
    s1_end = today - dt.timedelta(weeks=24)
    s2_end = today - dt.timedelta(weeks=10)
    sessions = [
        program_services.session_create(
            program=program,
            title="Workshop · cohort 1",
            starts_on=s1_end - dt.timedelta(days=1),
            ends_on=s1_end,
            location="Chicago",
        ),
        program_services.session_create(
            program=program,
            title="Workshop · cohort 2",
            starts_on=s2_end - dt.timedelta(days=1),
            ends_on=s2_end,
            location="Dallas",
        ),
    ]

    ctx = DemoContext(
        today=today,
        rng=rng,
        org=org,
        program=program,
        sessions=sessions,
        logins={
            "executive": executive,
            "owner": owner,
            "trainer": trainer,
            "analyst": analyst,
            "admin": admin,
        },
    )
    for team_index in range(9):
        region = regions[team_index // 3]
        manager = person(
            next(names) if team_index else PRINTED_MANAGER,
            Role.MANAGER,
            f"Sales Manager, {region.name}",
            region=region,
            hire_date=today - dt.timedelta(days=rng.randint(900, 3000)),
        )
        team = org_services.team_create(
            organization=org,
            name=f"{region.name} {team_index % 3 + 1}",
            region=region,
            manager=manager,
        )
        ctx.managers.append(manager)
        ctx.teams.append(team)
        session = sessions[0] if team_index < 4 else sessions[1] if team_index < 6 else None
        program_services.enrollment_create(program=program, person=manager, session=session)
        for rep_index in range(len(range(team_index, min(reps, CORE_REPS), CORE_TEAMS))):
            printed = team_index == 0 and rep_index == 0
            # Hired some time before their workshop (or before today for the untrained);
            # a few are recent hires, for whom the 90-day plan is mandatory.
            anchor = session.ends_on if session else today
            tenure = (today - anchor).days + (
                30 if printed else rng.choice([20, 60, 200, 500, 900, 1400, 2300])
            )
            rep = person(
                PRINTED_REP if printed else next(names),
                Role.REP,
                "Account Executive",
                region=region,
                team=team,
                hire_date=today - dt.timedelta(days=tenure + rng.randint(0, 20)),
                external_id=f"005NW{team_index}{rep_index:02d}",
            )
            ctx.reps.append(rep)
            program_services.enrollment_create(program=program, person=rep, session=session)
    for enrollment in program.enrollments.select_related("session"):
        if enrollment.session is not None:
            # A few missed the workshop: they stay in the not-yet-trained group.
            attended = rng.random() > 0.04 or enrollment.person.name == PRINTED_REP
            program_services.enrollment_record_attendance(enrollment=enrollment, attended=attended)
    # One hash for everyone: hashing ~100 passwords one by one takes half a minute.
    Person.objects.filter(organization=org).update(password=make_password(DEMO_PASSWORD))
    ctx.logins["manager"] = ctx.managers[0]
    ctx.logins["rep"] = ctx.reps[0]
    return ctx
