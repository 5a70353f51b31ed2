"""Builds the demo: the core organization and program, then each app's own demo step.
Each app adds its step to DEMO_STEPS (a function taking the DemoContext)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from sustain.adoption import demo as adoption_demo
from sustain.analysis import demo as analysis_demo
from sustain.audit import demo as audit_demo
from sustain.certification import demo as certification_demo
from sustain.coaching import demo as coaching_demo
from sustain.demo.context import DEMO_PASSWORD, DEMO_SLUG, DemoContext
from sustain.demo.core import CORE_REPS, CORE_TEAMS, build_core
from sustain.demo.scale import grow
from sustain.health import demo as health_demo
from sustain.metrics import demo as metrics_demo
from sustain.orgs import demo as orgs_demo
from sustain.orgs.models import Organization
from sustain.plans import demo as plans_demo
from sustain.readiness import demo as readiness_demo
from sustain.refreshers import demo as refreshers_demo
from sustain.refreshers.services import retention_totals_refresh_all

# Each app's `build(ctx)`, run in order after the core.
DEMO_STEPS: list[Callable[[DemoContext], None]] = [
    readiness_demo.build,
    plans_demo.build,
    refreshers_demo.build,
    coaching_demo.build,
    adoption_demo.build,
    certification_demo.build,
    metrics_demo.build,
    analysis_demo.build,
    audit_demo.build,
    health_demo.build,
    # Last, so the leaver has a history to keep.
    orgs_demo.build,
]

MIN_REPS = CORE_TEAMS

LOGIN_ROLES = ["executive", "owner", "manager", "rep", "trainer", "analyst", "admin"]


def demo_exists() -> bool:
    return Organization.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def build_demo(*, today: dt.date | None = None, reps: int = CORE_REPS) -> DemoContext:
    """The demo organization with `reps` reps: the first CORE_REPS tell the story
    (each app's step), the rest are added in bulk by `scale.grow`, the same way each time."""
    if reps < MIN_REPS:
        raise ValueError(f"The demo needs at least {MIN_REPS} reps (one per team).")
    ctx = build_core(today=today or dt.date.today(), reps=min(reps, CORE_REPS))
    for step in DEMO_STEPS:
        step(ctx)
    if reps > CORE_REPS:
        grow(ctx, reps=reps - CORE_REPS)
    # As the daily sweep would: the answers written in bulk, counted into the stored totals.
    retention_totals_refresh_all(today=ctx.today)
    return ctx


def demo_logins() -> list[tuple[str, str]]:
    """(role, email) for the printed logins, read back from the database."""
    from sustain.demo.core import PRINTED_MANAGER, PRINTED_REP
    from sustain.orgs.models import Person

    people = Person.objects.filter(organization__slug=DEMO_SLUG)
    by_role = {}
    for role in LOGIN_ROLES:
        qs = people.filter(role=role).order_by("pk")
        if role == "manager":
            qs = qs.filter(name=PRINTED_MANAGER)
        if role == "rep":
            qs = qs.filter(name=PRINTED_REP)
        first = qs.first()
        if first is not None:
            by_role[role] = first.email
    return [(role, by_role[role]) for role in LOGIN_ROLES if role in by_role]


def format_logins() -> str:
    return "\n".join(f"{role}: {email} / {DEMO_PASSWORD}" for role, email in demo_logins())
