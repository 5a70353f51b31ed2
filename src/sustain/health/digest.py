"""The weekly digest: one per person and ISO week, built from the selectors the pages use
and rendered from one template set (`health/digest/`: text and HTML for email, a compact
form for chat). Who sees what is the pages' rule: every figure comes from a selector
called with the person as viewer, so a manager's digest holds what her pages show her.

The `weekly-digest` sweep runs daily; the dedupe key (person, channel, ISO week) makes a
second run in the same week queue nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Max, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sustain.health import selectors as health_selectors
from sustain.health.models import HealthDay
from sustain.notify import services as notify
from sustain.notify.models import Channel, ChannelKind, NotificationPreferences, OutboxMessage
from sustain.orgs import access, privacy
from sustain.orgs.models import Organization, Person, Role
from sustain.programs.models import Program, ProgramStatus

DIGEST_ROLES = (Role.OWNER, Role.EXECUTIVE, Role.MANAGER, Role.REP)
MAX_PROGRAMS = 5
MAX_ALERTS = 5
KIND = "weekly_digest"


@dataclass
class Line:
    text: str
    detail: list[str] = field(default_factory=list)


@dataclass
class Section:
    title: str
    lines: list[Line]
    link: str = ""


@dataclass
class Digest:
    name: str  # whom it greets: a person's name, or the organization's
    role: str
    week: str  # "2026-W48"
    sections: list[Section]
    settings_link: str
    unsubscribe_link: str = ""

    @property
    def subject(self) -> str:
        return f"Sustain weekly digest, {self.week}"

    @property
    def empty(self) -> bool:
        return not self.sections


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _link(name: str, *args: object) -> str:
    return notify.absolute_url(reverse(name, args=args))


def _pulled_down(row: HealthDay, n: int = 2) -> list[str]:
    bad = [s for s in row.explained if s.get("status") not in ("ok", None)]
    return [str(s["detail"]) for s in bad[:n]]


def _health_line(row: HealthDay, label: str) -> Line:
    return Line(f"{label}: {row.score}/100", _pulled_down(row))


def _programs(viewer: Person) -> list[Program]:
    programs = access.programs_visible_to(viewer).exclude(status=ProgramStatus.CLOSED)
    if viewer.role == Role.OWNER:
        programs = programs.filter(owner=viewer)
    return list(programs.order_by("-id")[:MAX_PROGRAMS])


def _health(viewer: Person, programs: list[Program]) -> Section | None:
    """The health the person answers for, and what pulled it down: her own (rep), her
    reps' (manager), the program's and its lowest team's (owner, executive); the rows of
    each program's latest computed day, in three queries however many programs."""
    days = (
        HealthDay.objects.filter(program__in=programs)
        .values("program_id")
        .annotate(last=Max("day"))
        .values_list("program_id", "last")
        .order_by()
    )
    latest = Q(pk__in=[])
    for program_id, day in days:
        latest |= Q(program_id=program_id, day=day)
    visible = HealthDay.objects.filter(latest).filter(access.health_rows_visible_to(viewer))
    by_program: dict[int, list[Line]] = {p.pk: [] for p in programs}
    names = {p.pk: p.name for p in programs}
    if viewer.role in (Role.REP, Role.MANAGER):
        level, whose = (
            ("rep", "your follow-through") if viewer.role == Role.REP else ("manager", "your reps")
        )
        for row in visible.filter(level=level, subject_id=viewer.pk):
            by_program[row.program_id].append(
                _health_line(row, f"{names[row.program_id]}, {whose}")
            )
    else:
        lowest_team = visible.filter(
            level="team", program=OuterRef("program"), day=OuterRef("day")
        ).order_by("score", "name")
        rows = list(
            visible.filter(level="program").annotate(lowest=Subquery(lowest_team.values("pk")[:1]))
        )
        teams = HealthDay.objects.in_bulk([r.lowest for r in rows if r.lowest])
        for row in rows:
            lines = by_program[row.program_id]
            lines.append(_health_line(row, names[row.program_id]))
            if row.lowest:
                team = teams[row.lowest]
                lines.append(_health_line(team, f"Lowest team, {team.name}"))
    lines = [line for p in programs for line in by_program[p.pk]]
    if not lines:
        return None
    link = _link("health:program", programs[0].pk) if len(programs) == 1 else ""
    return Section("Follow-through health", lines, link)


def _alerts(viewer: Person) -> Section | None:
    """Open alerts routed to her (or escalated to her), not everything a leader may see."""
    alerts = list(
        health_selectors.alerts_for(viewer=viewer, status="open").filter(
            Q(recipient=viewer) | Q(escalated_to=viewer)
        )[: MAX_ALERTS + 1]
    )
    if not alerts:
        return None
    lines = [Line(f"{a.subject_name}: {a.detail}") for a in alerts[:MAX_ALERTS]]
    if len(alerts) > MAX_ALERTS:
        lines.append(Line("… and more on the alerts page."))
    return Section("Open alerts for you", lines, _link("health:alerts"))


def _effect(viewer: Person, programs: list[Program]) -> Section | None:
    from sustain.analysis.leadership import leadership_of

    if not access.sees_leadership_view(viewer):
        return None
    lines = []
    shown = [p for p in programs if access.sees_impact(viewer, p)]
    for lead in leadership_of(viewer=viewer, programs=shown):
        program = lead.program
        lines += [Line(f"{program.name}: {g.words}") for g in lead.goals]
        lines += [Line(f"{program.name}: {step}") for step in lead.next_steps[:1]]
    return Section("Did it work?", lines, _link("home")) if lines else None


def _plan_and_refreshers(viewer: Person, today: dt.date) -> Section | None:
    from sustain.plans import selectors as plan_selectors
    from sustain.refreshers import selectors as refresher_selectors

    lines = []
    plan = plan_selectors.plan_for_rep(viewer)
    if plan is not None:
        p = plan_selectors.plan_progress(plan, today=today)
        if p.current is not None:
            lines.append(Line(f"This phase of your 90-day plan: {p.current.concept}."))
        item = next((i for i in p.plan.items.all() if i.done_at is None), None)
        if item is not None:
            by = f" (due {item.due:%-d %b})" if item.due else ""
            lines.append(Line(f"Next on your plan: {item.text}{by}."))
        if plan.committed_at is None:
            lines.append(Line("You have not committed to your plan yet."))
    due = refresher_selectors.due_cards(person=viewer, today=today).count()
    if due:
        lines.append(Line(f"{due} refresher{'s' if due != 1 else ''} due: a few minutes each."))
    return Section("Your next steps", lines, _link("plans:mine")) if lines else None


def digest_for(person: Person, *, today: dt.date | None = None) -> Digest:
    """What `person` gets this week (sections may be empty: nothing is then sent)."""
    today = today or timezone.localdate()
    digest = Digest(
        name=person.name,
        role=person.get_role_display(),
        week=iso_week(today),
        sections=[],
        settings_link=_link("notify:settings"),
    )
    if person.organization_id is None or person.role not in DIGEST_ROLES:
        return digest
    programs = _programs(person)
    parts = [_health(person, programs), _alerts(person)]
    if person.role in (Role.OWNER, Role.EXECUTIVE):
        parts.append(_effect(person, programs))
    if person.role == Role.REP:
        parts.append(_plan_and_refreshers(person, today))
    digest.sections = [s for s in parts if s is not None]
    return digest


def organization_digest(organization: Organization, *, today: dt.date | None = None) -> Digest:
    """For the organization's own channels, read by anyone in the room: program health of
    at least the minimum group size, no individual and no cost."""
    today = today or timezone.localdate()
    k = privacy.min_group_size(organization)
    lines = []
    for program in Program.objects.filter(organization=organization).exclude(
        status=ProgramStatus.CLOSED
    )[:MAX_PROGRAMS]:
        day = health_selectors.latest_day(program)
        if day is None:
            continue
        row = HealthDay.objects.filter(
            program=program, day=day, level="program", people__gte=k
        ).first()
        if row is not None:
            lines.append(_health_line(row, program.name))
    sections = [Section("Follow-through health", lines, _link("home"))] if lines else []
    return Digest(
        name=organization.name,
        role="Organization",
        week=iso_week(today),
        sections=sections,
        settings_link=_link("notify:settings"),
    )


def render(digest: Digest) -> dict[str, str]:
    """{"text", "html", "chat"} from the one template set."""
    ctx: dict[str, Any] = {"d": digest}
    return {
        "text": render_to_string("health/digest/digest.txt", ctx).strip() + "\n",
        "html": render_to_string("health/digest/digest.html", ctx),
        "chat": render_to_string("health/digest/chat.txt", ctx).strip(),
    }


def _email_draft(person: Person, digest: Digest, channel: Channel | None) -> Any:
    """A digest email to her own address, or to an email channel of hers: text and HTML,
    with a one-click unsubscribe that turns off that one (RFC 8058)."""
    token = notify.unsubscribe_token(person, channel=channel)
    digest.unsubscribe_link = _link("notify:unsubscribe", token)
    parts = render(digest)
    where = f"c{channel.pk}" if channel is not None else "email"
    return notify.OutboxDraft(
        organization_id=person.organization_id,  # type: ignore[arg-type]
        recipient_id=person.pk,
        to=channel.target if channel is not None else person.email,
        subject=digest.subject,
        body=parts["text"],
        html_body=parts["html"],
        headers=notify.unsubscribe_headers(token),
        kind=KIND,
        channel=ChannelKind.EMAIL,
        destination_id=channel.pk if channel is not None else None,
        dedupe_key=f"digest:{person.pk}:{where}:{digest.week}",
    )


def _chat_draft(digest: Digest, channel: Channel, *, recipient_id: int | None, key: str) -> Any:
    return notify.OutboxDraft(
        organization_id=channel.organization_id,
        recipient_id=recipient_id,
        to=channel.target,
        subject=digest.subject,
        body=render_to_string("health/digest/chat.txt", {"d": digest}).strip(),
        headers={"link": _link("home")},
        kind=KIND,
        channel=channel.kind,
        destination_id=channel.pk,
        dedupe_key=key,
    )


def digest_drafts(
    person: Person, digest: Digest, *, email: bool, channels: list[Channel]
) -> list[Any]:
    out = [_email_draft(person, digest, None)] if email else []
    for c in channels:
        if c.kind == ChannelKind.EMAIL:
            out.append(_email_draft(person, digest, c))
        else:
            key = f"digest:{person.pk}:c{c.pk}:{digest.week}"
            out.append(_chat_draft(digest, c, recipient_id=person.pk, key=key))
    return out


def digests_sweep(*, today: dt.date | None = None) -> int:
    """Queue this week's digests not yet queued: one per person and channel (email, each
    of her channels that takes digests) and one per organization channel. Returns how
    many were offered. Re-running in the same week offers none again (dedupe keys)."""
    today = today or timezone.localdate()
    week = iso_week(today)
    already = set(
        OutboxMessage.objects.filter(kind=KIND, dedupe_key__endswith=f":{week}").values_list(
            "dedupe_key", flat=True
        )
    )
    prefs = {
        p.person_id: p
        for p in NotificationPreferences.objects.filter(person__role__in=DIGEST_ROLES)
    }
    channels: dict[int | None, list[Channel]] = {}
    for c in Channel.objects.filter(is_active=True, digests=True).select_related("organization"):
        channels.setdefault(c.owner_id, []).append(c)
    queued = 0
    people = Person.objects.filter(
        role__in=DIGEST_ROLES, is_active=True, organization__isnull=False
    ).select_related("organization")
    for person in people.iterator(chunk_size=500):
        pref = prefs.get(person.pk)
        email = (pref is None or pref.digest_email) and (
            f"digest:{person.pk}:email:{week}" not in already
        )
        mine = [
            c
            for c in channels.get(person.pk, [])
            if f"digest:{person.pk}:c{c.pk}:{week}" not in already
        ]
        if not email and not mine:
            continue
        digest = digest_for(person, today=today)
        if digest.empty:
            continue
        drafts = digest_drafts(person, digest, email=email, channels=mine)
        queued += notify.outbox_enqueue_many(messages=drafts)
    for c in channels.get(None, []):
        key = f"digest:org{c.organization_id}:c{c.pk}:{week}"
        if key in already:
            continue
        digest = organization_digest(c.organization, today=today)
        if digest.empty:
            continue
        draft = _chat_draft(digest, c, recipient_id=None, key=key)
        if c.kind == ChannelKind.EMAIL:
            draft = replace(draft, body=render(digest)["text"], html_body=render(digest)["html"])
        queued += notify.outbox_enqueue_many(messages=[draft])
    return queued
