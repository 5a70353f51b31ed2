"""Reads about signing in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Q

from sustain.accounts import sso, throttling
from sustain.accounts.services import INVITATION
from sustain.notify.models import OutboxMessage
from sustain.orgs.models import Organization, Person, Role, Team
from sustain.programs.models import Program

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def last_invited_at(*, person: Person) -> dt.datetime | None:
    return (
        OutboxMessage.objects.filter(recipient=person, kind=INVITATION)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def sign_in_status(*, person: Person) -> dict[str, Any]:
    return {
        "last_login": person.last_login,
        "invited_at": last_invited_at(person=person),
        "locked": throttling.locked(person.email),
    }


@dataclass(frozen=True)
class GoLiveStep:
    key: str
    title: str
    # "done", "todo" (the organization must act) or "optional".
    state: str
    detail: str


@dataclass(frozen=True)
class GoLive:
    steps: list[GoLiveStep]
    # People who have never signed in and were never sent an invitation.
    never_invited: int
    # Whether invitations would reach anyone (a mail server is set).
    mail_configured: bool

    @property
    def ready(self) -> bool:
        return all(step.state != "todo" for step in self.steps)

    @property
    def n_done(self) -> int:
        return sum(step.state == "done" for step in self.steps)

    @property
    def n_required(self) -> int:
        return sum(step.state != "optional" for step in self.steps)


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _people_step(people: dict[str, int], n_teams: int) -> GoLiveStep:
    if people["others"] == 0:
        return GoLiveStep(
            "people",
            "Bring in your people",
            "todo",
            "Only administrators so far: import the roster from your HRIS or CRM, or add people one at a time.",
        )
    return GoLiveStep(
        "people",
        "Bring in your people",
        "done",
        f"{_plural(people['active'], 'person', 'people')} in {_plural(n_teams, 'team')}: "
        f"{_plural(people['reps'], 'rep')}, {_plural(people['managers'], 'manager')}.",
    )


def _teams_step(
    organization: Organization, teams: dict[str, int], reps_without_team: int
) -> GoLiveStep:
    n_teams, n_leaderless = teams["all"], teams["leaderless"]
    leaderless = Team.objects.filter(organization=organization, manager__isnull=True)
    first = list(leaderless.order_by("name").values_list("name", flat=True)[:3])
    problems = []
    if n_leaderless:
        names = ", ".join(first) + (" and more" if n_leaderless > 3 else "")
        problems.append(f"{_plural(n_leaderless, 'team has', 'teams have')} no manager ({names})")
    if reps_without_team:
        problems.append(f"{_plural(reps_without_team, 'rep is', 'reps are')} in no team")
    title = "Give every team a manager"
    if n_teams == 0:
        return GoLiveStep("teams", title, "todo", "No teams yet: managers coach their team's reps.")
    if problems:
        return GoLiveStep("teams", title, "todo", "; ".join(problems) + ".")
    every = "The team has" if n_teams == 1 else f"All {n_teams} teams have"
    return GoLiveStep("teams", title, "done", f"{every} a manager.")


def _mail_step() -> GoLiveStep:
    title = "Send email"
    if not settings.SUSTAIN_MAIL_CONFIGURED:
        return GoLiveStep(
            "mail",
            title,
            "todo",
            f"No mail server is set: invitations and alerts are written to files under "
            f"{settings.DATA_DIR / 'mail'} and nobody receives them. "
            "Set SUSTAIN_EMAIL_HOST (docs/operations.md).",
        )
    host = urlsplit(settings.SUSTAIN_BASE_URL).hostname or ""
    if host in LOOPBACK_HOSTS:
        return GoLiveStep(
            "mail",
            title,
            "todo",
            f"Links in emails open {settings.SUSTAIN_BASE_URL}, which only the server itself "
            "can reach: set SUSTAIN_BASE_URL to the address people use.",
        )
    mailer: dict[str, Any] = settings.MAILERS["default"]
    server = mailer.get("OPTIONS", {}).get("host", "the mail server")
    return GoLiveStep(
        "mail",
        title,
        "done",
        f"Mail goes through {server}; its links open {settings.SUSTAIN_BASE_URL}.",
    )


def _sso_step() -> GoLiveStep:
    title = "Single sign-on"
    if sso.enabled():
        return GoLiveStep("sso", title, "done", f"People sign in with {sso.provider_name()}.")
    return GoLiveStep(
        "sso",
        title,
        "optional",
        "People sign in with a password. To use Entra ID, Google or Okta instead, set "
        "SUSTAIN_OIDC_* (docs/operations.md).",
    )


def _invitations_step(people: dict[str, int]) -> GoLiveStep:
    title = "Invite everyone"
    detail = (
        f"{people['signed_in']} of {_plural(people['active'], 'person', 'people')} "
        f"{'has' if people['signed_in'] == 1 else 'have'} signed in"
    )
    waiting = people["never_signed_in"] - people["never_invited"]
    if waiting:
        detail += f"; {waiting} invited and not signed in yet"
    if people["never_invited"]:
        return GoLiveStep(
            "invitations", title, "todo", detail + f"; {people['never_invited']} never invited."
        )
    return GoLiveStep("invitations", title, "done", detail + ".")


def _program_step(organization: Organization) -> GoLiveStep:
    title = "Create the first program"
    if Program.objects.filter(organization=organization).exists():
        return GoLiveStep(
            "program", title, "done", "Its readiness check says what is still missing."
        )
    return GoLiveStep(
        "program",
        title,
        "todo",
        "Name its owner, goals and concepts, and enroll the cohort.",
    )


def go_live(*, organization: Organization) -> GoLive:
    """What an organization still has to do before its people can use Sustain: the first
    admin's checklist, from an empty database to everyone invited. A fixed number of
    queries whatever the organization's size."""
    everyone = Person.objects.filter(organization=organization, is_active=True)
    people = everyone.aggregate(
        active=Count("pk"),
        others=Count("pk", filter=~Q(role=Role.ADMIN)),
        reps=Count("pk", filter=Q(role=Role.REP)),
        managers=Count("pk", filter=Q(role=Role.MANAGER)),
        reps_without_team=Count("pk", filter=Q(role=Role.REP, team__isnull=True)),
        signed_in=Count("pk", filter=Q(last_login__isnull=False)),
        never_signed_in=Count("pk", filter=Q(last_login__isnull=True)),
    )
    # `services.never_invited`: those never signed in less those of them sent an
    # invitation, found from the invitations' side (`outbox_invitations`) rather than
    # by looking into the outbox once for each person.
    invitations = OutboxMessage.objects.filter(kind=INVITATION).values_list("recipient_id")
    invited = everyone.filter(last_login__isnull=True, pk__in=invitations).count()
    people["never_invited"] = people["never_signed_in"] - invited
    teams = Team.objects.filter(organization=organization).aggregate(
        all=Count("pk"), leaderless=Count("pk", filter=Q(manager__isnull=True))
    )
    steps = [
        _people_step(people, teams["all"]),
        _teams_step(organization, teams, people["reps_without_team"]),
        _mail_step(),
        _sso_step(),
        _invitations_step(people),
        _program_step(organization),
    ]
    return GoLive(
        steps=steps,
        never_invited=people["never_invited"],
        mail_configured=settings.SUSTAIN_MAIL_CONFIGURED,
    )
