"""Every write to plans: creating from the program, commitment, reshaping phases, check-ins,
items from other apps, and the daily sweep that flags uncommitted plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from sustain.lib.dates import week_of
from sustain.lib.services import model_create, model_update
from sustain.notify.services import outbox_enqueue
from sustain.orgs.models import Role
from sustain.plans import rules, selectors
from sustain.plans.models import (
    PLAN_DAYS_MAX,
    PLAN_DAYS_MIN,
    CheckIn,
    Phase,
    Plan,
    PlanItem,
    PlanPolicy,
)
from sustain.programs.models import Enrollment
from sustain.programs.selectors import program_settings


def _behaviours(concept: Any) -> str:
    lines = [f"Use “{t.term}”: {t.definition}" for t in concept.terms.all()]
    return "\n".join(lines or [concept.description or f"Practise {concept.name} on every call."])


def _reason(plan: Plan) -> str:
    policy = program_settings(plan.program, PlanPolicy)
    return rules.mandatory_reason(
        hire_date=plan.rep.hire_date,
        trained_on=plan.start - dt.timedelta(days=1),
        new_hire_days=policy.new_hire_days,
        attainment=selectors.attainment_periods(plan.rep),
        quota_threshold=policy.quota_threshold,
        quota_periods=policy.quota_periods,
        manager_flag=plan.below_quota_flag,
    )


@transaction.atomic
def plan_create(*, enrollment: Enrollment) -> Plan:
    """The rep's plan from her program: one phase per concept in concept order, the plan's
    days split evenly, starting the day after her workshop."""
    if enrollment.pk is None or enrollment.role != Role.REP:
        raise ValidationError({"person": "Plans are for reps enrolled in the program."})
    if enrollment.trained_on is None:
        raise ValidationError({"person": f"{enrollment.person} has not attended the workshop yet."})
    if Plan.objects.filter(enrollment=enrollment).exists():
        raise ValidationError({"person": f"{enrollment.person} already has a plan."})
    program = enrollment.program
    concepts = list(program.concepts.prefetch_related("terms"))
    if not concepts:
        raise ValidationError({"program": "The program has no concepts to plan."})
    plan = model_create(
        Plan,
        enrollment=enrollment,
        program=program,
        rep=enrollment.person,
        start=enrollment.trained_on + dt.timedelta(days=1),
    )
    days = rules.split_days(program_settings(program, PlanPolicy).plan_days, len(concepts))
    Phase.objects.bulk_create(
        [
            Phase(plan=plan, concept=c, position=i, days=d, behaviours=_behaviours(c))
            for i, (c, d) in enumerate(zip(concepts, days, strict=True))
        ]
    )
    plan.mandatory_reason = _reason(plan)
    plan.save(update_fields=["mandatory_reason"])
    return plan


@transaction.atomic
def plans_generate(*, program: Any) -> int:
    """A plan for every trained rep of the program who has none; returns how many. The
    same plans as `plan_create`, written in bulk: a fixed number of queries whatever the
    size of the cohort (the page runs it as a background job)."""
    missing_qs = program.enrollments.filter(
        role=Role.REP, trained_on__isnull=False, plan__isnull=True, person__is_active=True
    )
    missing = list(missing_qs.select_related("person"))
    if not missing:
        return 0
    concepts = list(program.concepts.prefetch_related("terms"))
    if not concepts:
        raise ValidationError({"program": "The program has no concepts to plan."})
    policy = program_settings(program, PlanPolicy)
    days = rules.split_days(policy.plan_days, len(concepts))
    behaviours = [_behaviours(c) for c in concepts]
    attainment = selectors.attainment_by_rep(
        organization_id=program.organization_id, reps=missing_qs.values("person_id")
    )
    plans = [
        Plan(
            enrollment=e,
            program=program,
            rep=e.person,
            start=e.trained_on + dt.timedelta(days=1),
            mandatory_reason=rules.mandatory_reason(
                hire_date=e.person.hire_date,
                trained_on=e.trained_on,
                new_hire_days=policy.new_hire_days,
                attainment=attainment.get(e.person_id, []),
                quota_threshold=policy.quota_threshold,
                quota_periods=policy.quota_periods,
                manager_flag=False,
            ),
        )
        for e in missing
    ]
    Plan.objects.bulk_create(plans)
    Phase.objects.bulk_create(
        Phase(plan=plan, concept=c, position=i, days=d, behaviours=b)
        for plan in plans
        for i, (c, d, b) in enumerate(zip(concepts, days, behaviours, strict=True))
    )
    return len(plans)


POLICY_FIELDS = (
    "plan_days",
    "commit_within_days",
    "new_hire_days",
    "quota_threshold",
    "quota_periods",
)


@transaction.atomic
def plan_policy_update(*, program: Any, data: dict[str, Any]) -> Any:
    """Save the program's plan rules. Existing plans keep their phases; the mandatory
    reason of those still running is recomputed under the new rules, in the background
    (a program may have 100,000 plans)."""
    from sustain.plans import tasks
    from sustain.plans.models import PlanPolicy

    policy, _ = PlanPolicy.objects.get_or_create(program=program)
    policy = model_update(instance=policy, data=data, fields=POLICY_FIELDS)
    transaction.on_commit(lambda: tasks.refresh_mandatory.enqueue(program.pk))
    return policy


MANDATORY_CHUNK = 5_000


def plans_mandatory_refresh(*, program: Any, today: dt.date | None = None) -> int:
    """Recompute why each running plan of the program is mandatory, as `plan_create` would
    today: attainment imported since the plan began can make it mandatory ("consistently
    below quota"), or voluntary again once she is back above it; a new-hire plan stays
    one, and so does a plan the manager flagged. A plan that has ended keeps the reason it
    ran under. Returns how many plans changed. A fixed number of queries per chunk of
    MANDATORY_CHUNK plans."""
    today = today or timezone.localdate()
    policy = program_settings(program, PlanPolicy)
    rows = [
        row
        for row in Plan.objects.filter(program=program)
        .annotate(days=Sum("phases__days"))
        .order_by("pk")
        .values_list(
            "pk",
            "rep_id",
            "start",
            "days",
            "rep__hire_date",
            "enrollment__trained_on",
            "below_quota_flag",
            "mandatory_reason",
        )
        if row[2] + dt.timedelta(days=row[3] or 0) > today
    ]
    changed = 0
    for low in range(0, len(rows), MANDATORY_CHUNK):
        chunk = rows[low : low + MANDATORY_CHUNK]
        attainment = selectors.attainment_by_rep(
            organization_id=program.organization_id, reps=[r[1] for r in chunk]
        )
        updates = []
        for pk, rep_id, _start, _days, hire_date, trained_on, flag, stored in chunk:
            if trained_on is None:  # her attendance was withdrawn: nothing to decide on
                continue
            reason = rules.mandatory_reason(
                hire_date=hire_date,
                trained_on=trained_on,
                new_hire_days=policy.new_hire_days,
                attainment=attainment.get(rep_id, []),
                quota_threshold=policy.quota_threshold,
                quota_periods=policy.quota_periods,
                manager_flag=flag,
            )
            if reason != stored:
                updates.append(Plan(pk=pk, mandatory_reason=reason))
        Plan.objects.bulk_update(updates, ["mandatory_reason"])
        changed += len(updates)
    return changed


def plans_mandatory_refresh_organization(*, organization_id: int) -> int:
    """`plans_mandatory_refresh` for every program of the organization that has plans (after
    a KPI import or its undo changed the attainment they read)."""
    from sustain.programs.models import Program

    programs = Program.objects.filter(organization_id=organization_id, plans__isnull=False)
    return sum(plans_mandatory_refresh(program=p) for p in programs.distinct())


@transaction.atomic
def plan_commit(*, plan: Plan, now: dt.datetime | None = None) -> Plan:
    if plan.committed_at is not None:
        raise ValidationError(
            {"committed_at": f"You committed to this plan on {plan.committed_at:%d %b %Y}."}
        )
    plan.committed_at = now or timezone.now()
    plan.save(update_fields=["committed_at"])
    return plan


@transaction.atomic
def plan_phases_update(*, plan: Plan, phases: Sequence[dict[str, Any]]) -> Plan:
    """Reorder and reweight: `phases` lists every phase of the plan once, in the new order,
    as {"id", "days"?, "goal"?, "behaviours"?}."""
    current = {p.pk: p for p in plan.phases.select_for_update()}
    ids = [p.get("id") for p in phases]
    if sorted(ids, key=str) != sorted(current, key=str):
        raise ValidationError({"phases": "List each phase of this plan exactly once."})
    for position, data in enumerate(phases):
        phase = current[data["id"]]
        update: dict[str, Any] = {
            "position": position,
            **{
                k: data[k]
                for k in ("days", "goal", "behaviours")
                if k in data and data[k] is not None
            },
        }
        for k, v in update.items():
            setattr(phase, k, v)
        phase.full_clean(exclude=["plan", "concept"], validate_constraints=False)
    total = sum(p.days for p in current.values())
    if not PLAN_DAYS_MIN <= total <= PLAN_DAYS_MAX:
        raise ValidationError(
            {
                "phases": f"The phases add up to {total} days; a plan runs "
                f"{PLAN_DAYS_MIN} to {PLAN_DAYS_MAX} days."
            }
        )
    Phase.objects.bulk_update(current.values(), ["position", "days", "goal", "behaviours"])
    return plan


@transaction.atomic
def plan_restart(*, plan: Plan, start: dt.date, note: str) -> Plan:
    """A manager restarts the plan, e.g. after a leave: phases keep their order and days
    and run from the new `start`. The note says why, for the rep and the record."""
    trained_on = plan.enrollment.trained_on
    assert trained_on is not None  # a plan exists only for a trained enrollment
    if start < trained_on + dt.timedelta(days=1):
        raise ValidationError({"start": "A plan cannot start before the rep's workshop."})
    latest = timezone.localdate() + dt.timedelta(days=365)
    if start > latest:
        raise ValidationError(
            {"start": f"Restart the plan within a year, by {latest:%Y-%m-%d} at the latest."}
        )
    if not note.strip():
        raise ValidationError({"note": "Say why the plan restarts (the rep reads it)."})
    return model_update(
        instance=plan,
        data={"start": start, "restart_note": note.strip()},
        fields=("start", "restart_note"),
    )


@transaction.atomic
def plan_set_below_quota(*, plan: Plan, flag: bool) -> Plan:
    plan.below_quota_flag = flag
    plan.mandatory_reason = _reason(plan)
    plan.save(update_fields=["below_quota_flag", "mandatory_reason"])
    return plan


@transaction.atomic
def check_in_record(
    *, plan: Plan, applied: str, struggled: str, rating: int, today: dt.date | None = None
) -> CheckIn:
    """This week's check-in; a second one in the same week amends the first."""
    today = today or timezone.localdate()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Rate yourself from 1 to 5."})
    if today < plan.start:
        raise ValidationError({"week": f"Your plan starts on {plan.start:%d %b %Y}."})
    progress = selectors.plan_progress(plan, today=today)
    current = progress.current or (progress.phases[-1] if progress.phases else None)
    values = {
        "applied": applied.strip(),
        "struggled": struggled.strip(),
        "rating": rating,
        "phase": current.phase if current else None,
    }
    existing = plan.check_ins.filter(week=week_of(today)).first()
    if existing is not None:
        return model_update(instance=existing, data=values, fields=tuple(values))
    return model_create(CheckIn, plan=plan, week=week_of(today), **values)


@transaction.atomic
def plan_item_add(
    *, plan: Plan, text: str, due: dt.date | None = None, source: str = ""
) -> PlanItem:
    """Add an item to a rep's plan; other apps call this (coaching: development actions,
    `source="coaching"`). Shown on the plan page with its due date."""
    return model_create(PlanItem, plan=plan, text=text.strip(), due=due, source=source)


@transaction.atomic
def plan_item_done(*, item: PlanItem, done: bool = True) -> PlanItem:
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    return item


def plans_flag_uncommitted(*, today: dt.date | None = None) -> int:
    """Tell each manager about her reps' plans still uncommitted `commit_within_days` after
    the workshop. Each plan is claimed with a conditional UPDATE, so two workers never
    flag it twice; the outbox key makes a retry harmless."""
    today = today or timezone.localdate()
    now = timezone.now()
    candidates = Plan.objects.filter(
        rep__is_active=True,  # a deactivated rep is nobody's to chase
        committed_at__isnull=True,
        flagged_at__isnull=True,
        start__lte=today - dt.timedelta(days=6),  # start = workshop + 1; default 7 days
    ).select_related("rep__team__manager", "program", "enrollment")
    flagged = 0
    policies: dict[int, PlanPolicy] = {}  # one read per program, not per plan
    for plan in candidates:
        if plan.program_id not in policies:
            policies[plan.program_id] = program_settings(plan.program, PlanPolicy)
        policy = policies[plan.program_id]
        trained_on = plan.enrollment.trained_on
        assert trained_on is not None  # a plan exists only for a trained enrollment
        if trained_on + dt.timedelta(days=policy.commit_within_days) > today:
            continue
        manager = plan.rep.team.manager if plan.rep.team else None
        if manager is not None and not manager.is_active:
            manager = None
        with transaction.atomic():
            if not Plan.objects.filter(pk=plan.pk, flagged_at__isnull=True).update(flagged_at=now):
                continue
            flagged += 1
            if manager is None:
                continue
            outbox_enqueue(
                recipient=manager,
                kind="plan_uncommitted",
                subject=f"{plan.rep.name} has not committed to the 90-day plan yet",
                body=(
                    f"{plan.rep.name}'s plan for {plan.program.name} started on "
                    f"{plan.start:%d %b %Y} and is not committed yet. A short conversation "
                    "about what they want from it usually helps."
                ),
                dedupe_key=f"plan-uncommitted-{plan.pk}",
            )
    return flagged


def plans_daily(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily sweep: plans for newly trained reps, then flags for uncommitted ones."""
    from sustain.programs.models import Program

    created = 0
    for program in Program.objects.filter(
        enrollments__trained_on__isnull=False,
        enrollments__plan__isnull=True,
        enrollments__role=Role.REP,
    ).distinct():
        created += plans_generate(program=program)
    # The attainment a plan read changes with every KPI import (each also triggers its own
    # refresh); the sweep is the backstop for a refresh job lost with a worker.
    mandatory = sum(
        plans_mandatory_refresh(program=p, today=today)
        for p in Program.objects.filter(plans__isnull=False).distinct()
    )
    return {
        "created": created,
        "flagged": plans_flag_uncommitted(today=today),
        "mandatory_changed": mandatory,
    }
