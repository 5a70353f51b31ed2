"""Builds the demo: the core organization and program, then each app's own demo step.
Later apps add their step to DEMO_STEPS (a function taking the DemoContext)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

from django.db import transaction

from sustain.demo.context import DEMO_PASSWORD, DEMO_SLUG, DemoContext
from sustain.demo.core import build_core
from sustain.orgs.models import Organization

# Dotted paths of `build(ctx)` functions, run in order after the core.
DEMO_STEPS: list[str] = [
    "sustain.readiness.demo.build",
    "sustain.plans.demo.build",
    "sustain.refreshers.demo.build",
    "sustain.coaching.demo.build",
    "sustain.adoption.demo.build",
    "sustain.certification.demo.build",
    "sustain.metrics.demo.build",
    "sustain.analysis.demo.build",
    "sustain.audit.demo.build",
    "sustain.health.demo.build",
    # Last, so the leaver has a history to keep.
    "sustain.orgs.demo.build",
]

LOGIN_ROLES = ["executive", "owner", "manager", "rep", "trainer", "analyst", "admin"]


def demo_exists() -> bool:
    return Organization.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def build_demo(*, today: dt.date | None = None) -> DemoContext:
    ctx = build_core(today=today or dt.date.today())
    for path in DEMO_STEPS:
        module, name = path.rsplit(".", 1)
        try:
            imported = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue  # that app has no demo data yet
        step: Callable[[DemoContext], None] = getattr(imported, name)
        step(ctx)
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
