"""Finding alerts from a day's health and keeping them: one unresolved alert per
(program, rule, subject), a message for each new one and for each escalation through the
outbox, resolution when the rule stops holding, and who saw and acted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, cast

import pandas as pd
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from sustain.analysis.models import AnalysisRun, RunStatus
from sustain.health import rules as rules_mod
from sustain.health.models import (
    Alert,
    AlertAction,
    AlertEvent,
    AlertStatus,
    HealthDay,
    Level,
    validate_snooze,
)
from sustain.lib.urls import absolute_url
from sustain.notify.services import OutboxDraft, outbox_enqueue_many
from sustain.orgs.models import Person, Role
from sustain.programs.models import Program


@dataclass(frozen=True)
class Finding:
    rule: str
    subject_type: str
    subject_id: int
    subject_name: str
    detail: str
    recipient_id: int
    escalate_to_id: int | None

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.subject_type}:{self.subject_id}"


def _pk(label: Hashable) -> int:
    """A frame's index label that holds a primary key (pandas types labels as Hashable)."""
    return int(cast(int, label))


def workshop_day(program: Program) -> dt.date | None:
    first: dt.date | None = program.enrollments.aggregate(first=Min("trained_on"))["first"]
    return first


def _owner_escalation(program: Program) -> int | None:
    if program.owner_id:
        return program.owner_id
    return None


def _executive(program: Program) -> int | None:
    return (
        Person.objects.filter(
            organization_id=program.organization_id, role=Role.EXECUTIVE, is_active=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def findings(
    *, program: Program, day: dt.date, reps: pd.DataFrame, conf: dict[str, dict[str, Any]]
) -> list[Finding]:
    """Every subject for which an enabled rule holds on `day`, from the reps' signals
    (`compute.rep_frame`) and the stored health history."""
    out: list[Finding] = []
    owner = _owner_escalation(program)
    on = {k for k, c in conf.items() if c["enabled"]}
    if not reps.empty:
        managed = reps[reps["manager"].notna()]
        by_manager = managed.groupby("manager").agg(
            name=("manager_name", "first"),
            days=("days_since_obs", "min"),
            lapsed=("lapsed", "first"),
        )
        if "manager_not_coaching" in on:
            limit = conf["manager_not_coaching"]["threshold"]
            for mid, r in by_manager[by_manager["days"] > limit].iterrows():
                out.append(
                    Finding(
                        "manager_not_coaching",
                        Level.MANAGER,
                        _pk(mid),
                        r["name"],
                        f"None of {r['name']}'s reps has been observed in {int(r['days'])} days "
                        f"(alert after {limit:.0f}). Book observations this week.",
                        _pk(mid),
                        owner,
                    )
                )
        if "certification_lapsed" in on:
            for mid, r in by_manager[by_manager["lapsed"].astype(bool)].iterrows():
                out.append(
                    Finding(
                        "certification_lapsed",
                        Level.MANAGER,
                        _pk(mid),
                        r["name"],
                        f"{r['name']} was certified but no longer keeps the coaching cadence the "
                        "certification requires. Get the cadence back to renew it.",
                        _pk(mid),
                        owner,
                    )
                )
        teams = managed.groupby("team").agg(
            name=("team_name", "first"),
            manager=("manager", "first"),
            part=("participated", "mean"),
            n=("participated", "count"),
        )
        if "team_refresher_low" in on:
            limit = conf["team_refresher_low"]["threshold"]
            low = teams[teams["n"].gt(0) & teams["part"].lt(limit)]
            for tid, r in low.iterrows():
                out.append(
                    Finding(
                        "team_refresher_low",
                        Level.TEAM,
                        _pk(tid),
                        r["name"],
                        f"Only {r['part']:.0%} of {r['name']}'s reps answered a refresher in the "
                        f"last 14 days (alert below {limit:.0%}). Two minutes in the next team "
                        "meeting.",
                        int(r["manager"]),
                        owner,
                    )
                )
        if "rep_missed_checkins" in on:
            limit = conf["rep_missed_checkins"]["threshold"]
            for rid, r in reps[reps["missed"] >= limit].iterrows():
                manager = r["manager"]
                out.append(
                    Finding(
                        "rep_missed_checkins",
                        Level.REP,
                        int(rid),
                        r["name"],
                        f"{r['name']} has missed {int(r['missed'])} weekly check-ins in a row "
                        f"(alert from {limit:.0f}). Check in on the plan page this week.",
                        int(rid),
                        None if pd.isna(manager) else int(manager),
                    )
                )
        if "team_health_falling" in on:
            out += _falling_teams(program, day, teams, conf["team_health_falling"], owner)
        if "team_adoption_low" in on:
            out += _low_adoption_teams(program, day, teams, conf["team_adoption_low"], owner)
    if "program_no_analysis" in on and program.owner_id:
        first = workshop_day(program)
        limit = conf["program_no_analysis"]["threshold"]
        if (
            first
            and (day - first).days > limit
            and not AnalysisRun.objects.filter(program=program, status=RunStatus.DONE).exists()
        ):
            out.append(
                Finding(
                    "program_no_analysis",
                    Level.PROGRAM,
                    program.pk,
                    program.name,
                    f"{(day - first).days} days since the first workshop and no impact analysis "
                    "has run. Import the KPIs and run one: the fade shows by day 90-120.",
                    program.owner_id,
                    _executive(program),
                )
            )
    return out


def _falling_teams(
    program: Program, day: dt.date, teams: pd.DataFrame, conf: dict[str, Any], owner: int | None
) -> list[Finding]:
    weeks = int(conf["threshold"])
    days = [day - dt.timedelta(weeks=w) for w in range(weeks + 1)]
    scores: dict[int, dict[dt.date, int]] = {}
    for tid, d, score in HealthDay.objects.filter(
        program=program, level=Level.TEAM, day__in=days
    ).values_list("subject_id", "day", "score"):
        scores.setdefault(tid, {})[d] = score
    out = []
    for tid, by_day in scores.items():
        series = [by_day.get(d) for d in reversed(days)]
        if tid not in teams.index or None in series:
            continue
        if all(b < a for a, b in pairwise(series)):  # type: ignore[operator]  # no None: skipped above
            r = teams.loc[tid]
            assert isinstance(r, pd.Series)  # one row: the index holds each team once
            trail = " → ".join(str(s) for s in series)
            out.append(
                Finding(
                    "team_health_falling",
                    Level.TEAM,
                    _pk(tid),
                    r["name"],
                    f"{r['name']}'s health fell {weeks} weeks in a row ({trail}). Open its "
                    "health to see which signal pulled it down.",
                    int(r["manager"]),
                    owner,
                )
            )
    return out


def _low_adoption_teams(
    program: Program, day: dt.date, teams: pd.DataFrame, conf: dict[str, Any], owner: int | None
) -> list[Finding]:
    """Teams whose share of calls showing the program's techniques (adoption, from call
    transcripts) stayed below the threshold in each of the last ADOPTION_WEEKS weeks."""
    from sustain.adoption.selectors import team_weekly_adoption

    weeks = rules_mod.ADOPTION_WEEKS
    limit = conf["threshold"]
    shares, calibrated = team_weekly_adoption(program, day, weeks)
    out = []
    for tid, series in shares.items():
        if tid not in teams.index or any(s is None or s >= limit for s in series):
            continue
        r = teams.loc[tid]
        assert isinstance(r, pd.Series)  # one row: the index holds each team once
        trail = " → ".join(f"{s:.0%}" for s in series if s is not None)
        caveat = (
            ""
            if calibrated
            else " Uncalibrated: no concept has enough managers' labels yet, so confirm a few "
            "detections on the Adoption page before acting on it."
        )
        out.append(
            Finding(
                "team_adoption_low",
                Level.TEAM,
                int(tid),
                r["name"],
                f"{r['name']}'s calls showed the program's techniques in {trail} of calls, "
                f"{weeks} weeks running (alert below {limit:.0%}). Listen to a call with each "
                f"rep this week.{caveat}",
                int(r["manager"]),
                owner,
            )
        )
    return out


def _message(
    alert: Alert, to: dict[int, tuple[str, int]], person_id: int, *, escalated: bool
) -> OutboxDraft:
    email, org_id = to[person_id]
    label = rules_mod.BY_KEY[alert.rule].label
    prefix = "Still open after a week — " if escalated else ""
    return OutboxDraft(
        organization_id=org_id,
        recipient_id=person_id,
        to=email,
        subject=f"[Sustain] {prefix}{label}: {alert.subject_name}",
        body=f"{alert.detail}\n\nSee and acknowledge it: {absolute_url(reverse('health:alerts'))}",
        kind="alert",
        dedupe_key=f"alert:{alert.pk}:{'escalated' if escalated else 'opened'}",
    )


@transaction.atomic
def alerts_sync(
    *, program: Program, day: dt.date, found: list[Finding], conf: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Open the new alerts, refresh the standing ones, escalate the ones left unacknowledged,
    resolve the ones whose rule no longer holds. Idempotent for a given `day`."""
    now = timezone.now()
    current = {f.key: f for f in found}
    standing = {
        a.open_key: a
        for a in Alert.objects.select_for_update().filter(program=program, open_key__isnull=False)
        if a.open_key is not None  # filtered above; narrows the type
    }
    new = [
        Alert(
            organization_id=program.organization_id,
            program=program,
            rule=f.rule,
            severity=rules_mod.BY_KEY[f.rule].severity,
            subject_type=f.subject_type,
            subject_id=f.subject_id,
            subject_name=f.subject_name,
            detail=f.detail,
            recipient_id=f.recipient_id,
            opened_at=now,
            opened_on=day,
            last_seen_on=day,
            open_key=f"{program.pk}:{f.key}",
        )
        for key, f in current.items()
        if f"{program.pk}:{key}" not in standing
    ]
    created = Alert.objects.bulk_create(new)
    if not created or created[0].pk is None:  # a backend that returns no ids
        created = list(Alert.objects.filter(open_key__in=[a.open_key for a in new]))
    escalate, refresh, resolve = [], [], []
    for open_key, alert in standing.items():
        f = current.get(open_key.split(":", 1)[1])
        if f is None:
            alert.status, alert.resolved_at, alert.open_key = AlertStatus.RESOLVED, now, None
            resolve.append(alert)
            continue
        alert.detail, alert.last_seen_on = f.detail, day
        wait = conf[alert.rule]["escalate_after_days"]
        if (
            alert.status == AlertStatus.OPEN
            and alert.escalated_to_id is None
            and f.escalate_to_id
            and f.escalate_to_id != alert.recipient_id
            and (day - alert.opened_on).days >= wait
            and not (alert.snoozed_until and alert.snoozed_until > day)
        ):
            alert.escalated_to_id = f.escalate_to_id
            escalate.append(alert)
        refresh.append(alert)
    Alert.objects.bulk_update(refresh, ["detail", "last_seen_on", "escalated_to"])
    Alert.objects.bulk_update(resolve, ["status", "resolved_at", "open_key"])
    AlertEvent.objects.bulk_create(
        [AlertEvent(alert=a, action=AlertAction.RESOLVED, at=now) for a in resolve]
        + [
            AlertEvent(alert=a, person_id=a.escalated_to_id, action=AlertAction.ESCALATED, at=now)
            for a in escalate
        ]
    )
    ids = {a.recipient_id for a in created} | {
        a.escalated_to_id for a in escalate if a.escalated_to_id is not None
    }
    to = {
        pk: (email, org)
        for pk, email, org in Person.objects.filter(pk__in=ids, is_active=True).values_list(
            "pk", "email", "organization_id"
        )
    }
    drafts = [
        _message(a, to, a.recipient_id, escalated=False) for a in created if a.recipient_id in to
    ]
    drafts += [
        _message(a, to, a.escalated_to_id, escalated=True)
        for a in escalate
        if a.escalated_to_id in to
    ]
    outbox_enqueue_many(messages=drafts)
    return {"opened": len(created), "escalated": len(escalate), "resolved": len(resolve)}


# Acting on an alert ---------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, alert: Alert, person: Person) -> Alert:
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.save(update_fields=["status"])
    AlertEvent.objects.create(alert=alert, person=person, action=AlertAction.ACKNOWLEDGED)
    return alert


@transaction.atomic
def alert_snooze(*, alert: Alert, person: Person, until: dt.date | None) -> Alert:
    validate_snooze(until, timezone.localdate())
    if alert.status == AlertStatus.RESOLVED:
        from django.core.exceptions import ValidationError

        raise ValidationError({"until": "This alert is resolved; there is nothing to snooze."})
    alert.snoozed_until = until
    alert.save(update_fields=["snoozed_until"])
    AlertEvent.objects.create(
        alert=alert, person=person, action=AlertAction.SNOOZED, note=f"until {until}"
    )
    return alert


def alerts_mark_seen(*, alerts: list[Alert], person: Person) -> int:
    """Record that `person` saw these alerts (once each)."""
    ids = [a.pk for a in alerts]
    seen = set(
        AlertEvent.objects.filter(
            alert_id__in=ids, person=person, action=AlertAction.SEEN
        ).values_list("alert_id", flat=True)
    )
    events = [
        AlertEvent(alert_id=pk, person=person, action=AlertAction.SEEN)
        for pk in ids
        if pk not in seen
    ]
    AlertEvent.objects.bulk_create(events)
    return len(events)
