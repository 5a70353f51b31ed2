"""Every write of the coaching app."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sustain.certification.services import cadence_forget, cadence_observed
from sustain.coaching.models import (
    MAX_ACTIONS,
    CoachingPolicy,
    CoachingSummary,
    DevelopmentAction,
    Observation,
    ObservationScore,
    RubricBehaviour,
    Score,
    StalledManager,
)
from sustain.lib.services import model_create, model_update
from sustain.orgs.models import Person, Role, Team
from sustain.plans.models import Plan
from sustain.plans.services import plan_item_add
from sustain.programs.models import Concept, Program

logger = logging.getLogger(__name__)


@transaction.atomic
def rubric_behaviour_create(
    *,
    concept: Concept,
    name: str,
    level_1: str,
    level_2: str,
    level_3: str,
    level_4: str,
    position: int | None = None,
) -> RubricBehaviour:
    if position is None:
        position = concept.behaviours.count()
    return model_create(
        RubricBehaviour,
        concept=concept,
        name=name,
        position=position,
        level_1=level_1,
        level_2=level_2,
        level_3=level_3,
        level_4=level_4,
    )


@transaction.atomic
def coaching_policy_set(*, program: Program, data: Mapping[str, Any]) -> CoachingPolicy:
    policy, _ = CoachingPolicy.objects.get_or_create(program=program)
    policy = model_update(
        instance=policy,
        data=data,
        fields=["intensive_days", "intensive_per_month", "steady_per_month"],
    )
    # The stored past days of consistency were counted under the old intervals.
    cadence_forget(program=program)
    return policy


def _resolve_scores(
    rep: Person, program: Program | None, scores: Iterable[Mapping[str, Any]]
) -> tuple[Program, list[dict[str, Any]]]:
    rows = list(scores)
    if not rows:
        raise ValidationError({"scores": "Score at least one concept you observed."})
    ids = [r["concept"].pk if isinstance(r["concept"], Concept) else r["concept"] for r in rows]
    concepts = (
        Concept.objects.select_related("program")
        .filter(
            pk__in=[i for i in ids if isinstance(i, int)],
            program__organization=rep.organization_id,
        )
        .in_bulk()
    )
    resolved = []
    for row, concept_id in zip(rows, ids, strict=True):
        concept = concepts.get(concept_id) if isinstance(concept_id, int) else None
        if concept is None:
            raise ValidationError({"scores": f"Unknown concept: {concept_id}."})
        score = row.get("score")
        if score not in Score.values:
            raise ValidationError(
                {
                    "scores": f"Score for “{concept.name}” must be 1 to 4 "
                    f"({', '.join(Score.labels)}), not {score}."
                }
            )
        resolved.append(
            {"concept": concept, "score": score, "evidence": (row.get("evidence") or "").strip()}
        )
    programs = {r["concept"].program for r in resolved}
    if len(programs) > 1 or (program is not None and programs != {program}):
        raise ValidationError({"scores": "All concepts must belong to the observed program."})
    if len({r["concept"].pk for r in resolved}) != len(resolved):
        raise ValidationError({"scores": "Each concept is scored once per observation."})
    return programs.pop(), resolved


def _resolve_actions(date: dt.date, actions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = list(actions)
    if len(rows) > MAX_ACTIONS:
        raise ValidationError(
            {"actions": f"Prescribe at most {MAX_ACTIONS} development actions at a time."}
        )
    resolved = []
    for row in rows:
        text = (row.get("text") or "").strip()
        due = row.get("due")
        if not text:
            raise ValidationError({"actions": "Each development action needs a text."})
        if not isinstance(due, dt.date):
            raise ValidationError({"actions": f"“{text}” needs a due date."})
        if due < date:
            raise ValidationError({"actions": f"“{text}” is due before the observation."})
        resolved.append({"text": text, "due": due})
    return resolved


@transaction.atomic
def observation_create(
    *,
    observer: Person,
    rep: Person,
    date: dt.date,
    channel: str,
    diagnosis: str,
    scores: Iterable[Mapping[str, Any]],
    actions: Iterable[Mapping[str, Any]] = (),
    private_note: str = "",
    summary: str = "",
    program: Program | None = None,
) -> Observation:
    """Record an observation with its scores and prescription. Nothing is written unless
    all of it is valid. Actions are copied onto the rep's 90-day plan when she has one."""
    if rep.role != Role.REP:
        raise ValidationError({"rep": "Only reps are observed."})
    program, score_rows = _resolve_scores(rep, program, scores)
    enrollment = program.enrollments.filter(person=rep).first()
    if enrollment is None:
        raise ValidationError({"rep": f"{rep.name} is not enrolled in {program.name}."})
    if date > timezone.localdate():
        raise ValidationError({"date": "An observation cannot be dated in the future."})
    # Enrollments imported after the fact carry the workshop date, which may be earlier.
    enrolled = min(d for d in (enrollment.enrolled_at.date(), enrollment.trained_on) if d)
    if date < enrolled:
        raise ValidationError(
            {"date": f"{rep.name} was enrolled on {enrolled:%Y-%m-%d}: observe her from then on."}
        )
    action_rows = _resolve_actions(date, actions)
    observation = model_create(
        Observation,
        organization_id=rep.organization_id,
        program=program,
        rep=rep,
        observer=observer,
        date=date,
        channel=channel,
        diagnosis=diagnosis,
        private_note=private_note.strip(),
        summary=summary.strip(),
    )
    ObservationScore.objects.bulk_create(
        ObservationScore(observation=observation, **row) for row in score_rows
    )
    created = DevelopmentAction.objects.bulk_create(
        DevelopmentAction(observation=observation, **row) for row in action_rows
    )
    for action in created:
        _add_to_plan(observation, action)
    coaching_summary_changed(program=program)
    # A back-dated observation changes days of her manager's consistency already stored.
    cadence_observed(program=program, rep=rep, date=date)
    return observation


def _add_to_plan(observation: Observation, action: DevelopmentAction) -> None:
    """The action joins the rep's 90-day plan; a rep without a plan keeps it on the
    observation page only."""
    plan = Plan.objects.filter(rep=observation.rep, program=observation.program).first()
    if plan is None:
        return
    item = plan_item_add(plan=plan, text=action.text, due=action.due, source="coaching")
    action.plan_item_id = item.pk
    action.save(update_fields=["plan_item_id"])


@transaction.atomic
def action_mark_done(*, action: DevelopmentAction, done_on: dt.date) -> DevelopmentAction:
    return model_update(instance=action, data={"done_on": done_on}, fields=["done_on"])


def managers_nudge(*, today: dt.date) -> int:
    """Queue this week's nudge to every manager with overdue reps. Idempotent within an
    ISO week (the outbox dedupe key), so the sweep may run as often as it likes."""
    from sustain.coaching import selectors
    from sustain.notify.services import outbox_enqueue

    # Deactivated people get no nudge and are nobody's due item.
    reps = Person.objects.filter(
        role=Role.REP, team__manager__isnull=False, team__manager__is_active=True, is_active=True
    )
    by_manager: dict[int, list[selectors.RepStatus]] = {}
    managers: dict[int, Person] = {}
    data = selectors.cadence_data(reps=reps)
    team_managers = {
        t.pk: t.manager
        for t in Team.objects.filter(
            pk__in={e.person.team_id for e in data.enrollments}
        ).select_related("manager")
    }
    for status in data.statuses(today):
        # The reps were chosen by their team's manager: both are set.
        assert status.rep.team_id is not None
        manager = team_managers[status.rep.team_id]
        assert manager is not None
        managers[manager.pk] = manager
        by_manager.setdefault(manager.pk, []).append(status)
    year, week, _ = today.isocalendar()
    sent = 0
    for manager_id, statuses in by_manager.items():
        summary = selectors.summarize(statuses)
        if not summary["overdue"]:
            continue
        lines = [
            f"- {s.rep.name}: last observed {s.last_observed or 'never'}, "
            f"{s.days_overdue} days overdue"
            for s in summary["overdue"]
        ]
        message = outbox_enqueue(
            recipient=managers[manager_id],
            kind="coaching_nudge",
            subject=f"{len(summary['overdue'])} of your reps are due an observation",
            body=(
                f"Your coaching coverage is {summary['coverage']:.0%} "
                f"({summary['on_time']} of {summary['due']} reps observed on time).\n\n"
                "Observe these reps this week:\n" + "\n".join(lines)
            ),
            dedupe_key=f"coaching-nudge:{manager_id}:{year}-W{week:02d}",
        )
        sent += message is not None
    return sent


# The stored coaching summary is recomputed in the background at most this old (and on the
# first view of a new day, since coverage is counted for a day): the page shows its age.
SUMMARY_MAX_AGE = dt.timedelta(days=1)


def coaching_summary_refresh(*, program: Program, today: dt.date | None = None) -> CoachingSummary:
    """Count the program's skill distribution, coverage and the managers who stopped
    coaching over its whole organization now (slow at scale: every rep's latest scores and
    due date, every manager's last observation) and store them. A change recorded while
    this runs asks for the next refresh."""
    from sustain.coaching import selectors

    today = today or timezone.localdate()
    CoachingSummary.objects.filter(program=program).update(requested_at=None)
    cov = selectors.coverage(
        reps=selectors.org_scope(program.organization_id),
        today=today,
        program=program,
        limit=selectors.OVERDUE_SHOWN,
    )
    coverage = {key: cov[key] for key in ("due", "on_time", "n_overdue", "coverage")}
    coverage["overdue"] = [
        {
            "rep": s.rep.pk,
            "days_overdue": s.days_overdue,
            "last_observed": s.last_observed.isoformat() if s.last_observed else None,
            "next_due": s.next_due.isoformat() if s.next_due else None,
        }
        for s in cov["overdue"]
    ]
    distribution = selectors.distribution_rows(
        program=program, reps=selectors.org_reps(program.organization_id)
    )
    stalled = selectors.stalled_observers(program=program, today=today)
    with transaction.atomic():
        summary, _ = CoachingSummary.objects.update_or_create(
            program=program,
            defaults={
                "distribution": distribution,
                "coverage": coverage,
                "as_of": today,
                "computed_at": timezone.now(),
            },
        )
        summary.stalled.all().delete()
        StalledManager.objects.bulk_create(
            StalledManager(
                summary=summary,
                position=n,
                manager_id=row["manager"].pk,
                last=row["last"],
                due=row["due"],
                on_time=row["on_time"],
                coverage=row["coverage"],
            )
            for n, row in enumerate(stalled)
        )
    return summary


def coaching_summary_request(
    *, program: Program, now: dt.datetime | None = None
) -> CoachingSummary:
    """The program's stored summary, as it is (`coaching_summaries_request` of one)."""
    return coaching_summaries_request(programs=[program], now=now)[program.pk]


@transaction.atomic
def coaching_summaries_request(
    *, programs: list[Program], now: dt.datetime | None = None
) -> dict[int, CoachingSummary]:
    """The programs' stored summaries by program id, as they are, in a fixed number of
    queries. Those never computed, older than SUMMARY_MAX_AGE or counted for another day
    get a background refresh unless one is pending (see `_summary_claim`)."""
    now = now or timezone.now()
    ids = [p.pk for p in programs]
    summaries = {s.program_id: s for s in CoachingSummary.objects.filter(program_id__in=ids)}
    if len(summaries) < len(set(ids)):
        CoachingSummary.objects.bulk_create(
            [CoachingSummary(program_id=pk) for pk in ids if pk not in summaries],
            ignore_conflicts=True,
        )
        summaries = {s.program_id: s for s in CoachingSummary.objects.filter(program_id__in=ids)}
    today = timezone.localdate(now)
    stale = [
        s.pk
        for s in summaries.values()
        if s.computed_at is None or s.computed_at <= now - SUMMARY_MAX_AGE or s.as_of != today
    ]
    if stale:
        _summary_claim(CoachingSummary.objects.filter(pk__in=stale), now)
    return summaries


def coaching_summary_changed(*, program: Program, now: dt.datetime | None = None) -> bool:
    """An observation changed the program's figures: refresh its stored summary (when a
    page has shown it once) unless a refresh is already pending. Whether one was enqueued."""
    rows = CoachingSummary.objects.filter(program=program)
    return _summary_claim(rows, now or timezone.now()) > 0


def _summary_claim(rows: QuerySet[CoachingSummary], now: dt.datetime) -> int:
    """Enqueue a refresh of each of `rows` with none pending: a conditional UPDATE claims
    them, so however many views and observations ask, one job per program is queued per
    task lease (and again after a lease if it never ran); the job clears the claim when
    it starts. How many were queued."""
    from sustain.coaching.tasks import refresh_coaching_summary

    lease = now - dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    claimable = Q(requested_at__isnull=True) | Q(requested_at__lt=lease)
    if not rows.filter(claimable).update(requested_at=now):
        return 0
    claimed = list(rows.filter(requested_at=now).values_list("program_id", flat=True))
    for program_id in claimed:
        transaction.on_commit(functools.partial(refresh_coaching_summary.enqueue, program_id))
    return len(claimed)


def coaching_summary_refresh_all() -> int:
    """Ask for a refresh of every program's summary that a page has asked for once (the
    daily sweep: coverage moves with the calendar, not only with observations), through
    the same claim as the pages: a program whose refresh is pending gets no second one.
    How many were queued."""
    return _summary_claim(CoachingSummary.objects.all(), timezone.now())
