"""Writes of refreshers: the question bank, cards for participants, answers graded and
rescheduled with FSRS, and the daily digest sweep.

Grading: the answer is the recall test. A correct answer is `Rating.Good`, a wrong one
`Rating.Again`; Hard and Easy are not used because a multiple-choice answer says
whether she recalled, not how hard it felt. The scheduler has no learning steps and no
fuzzing: refreshers arrive as a daily digest, so minute-long steps would mean nothing,
and whole-day intervals are what the person sees ("next due on ...")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from sustain.lib.dates import week_of
from sustain.lib.services import model_create, model_update
from sustain.lib.uploads import CellError, TableRejected, read_table
from sustain.lib.urls import absolute_url
from sustain.notify.services import OutboxDraft, outbox_enqueue_many
from sustain.orgs.models import Person
from sustain.programs.models import Concept, Enrollment, Program
from sustain.refreshers.choice import is_correct
from sustain.refreshers.models import (
    Card,
    Question,
    QuestionKind,
    RetentionStore,
    RetentionTotal,
    Review,
)

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def scheduler_for(program_id: int) -> Scheduler:
    """FSRS with the program's longest interval (health settings, 60 days by default), so
    a card answered well keeps coming back through the fade instead of a year out."""
    from sustain.health.models import HealthSettings

    days = (
        HealthSettings.objects.filter(program_id=program_id)
        .values_list("refresher_max_interval_days", flat=True)
        .first()
    ) or HealthSettings._meta.get_field("refresher_max_interval_days").default
    return Scheduler(
        learning_steps=(), relearning_steps=(), enable_fuzzing=False, maximum_interval=days
    )


# One concept's questions are introduced each week after the workshop, in concept order,
# so a participant starts with a handful of questions and not the whole bank at once.
INTRODUCE_EVERY = dt.timedelta(weeks=1)
DIGEST_BATCH = 1000


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def due_cutoff(today: dt.date) -> dt.datetime:
    """A card is due today if it falls due before tomorrow begins."""
    return day_start(today + dt.timedelta(days=1))


def to_fsrs(card: Card) -> FsrsCard:
    return FsrsCard(
        card_id=card.pk or 0,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.astimezone(dt.UTC),
        last_review=card.last_review.astimezone(dt.UTC) if card.last_review else None,
    )


def _first_due(trained_on: dt.date, index: int) -> dt.datetime:
    return day_start(trained_on + dt.timedelta(days=1)) + INTRODUCE_EVERY * index


def _cards_for(
    enrollments: Iterable[Any], questions: list[Question], index: dict[int, int]
) -> list[Card]:
    return [
        Card(person_id=e.person_id, question=q, due=_first_due(e.trained_on, index[q.concept_id]))
        for e in enrollments
        for q in questions
    ]


def _concept_index(program: Program) -> dict[int, int]:
    return {c: i for i, c in enumerate(program.concepts.values_list("pk", flat=True))}


@transaction.atomic
def question_create(
    *,
    concept: Concept,
    prompt: str,
    choices: list[str],
    answer: str,
    explanation: str,
    kind: str = "choice",
) -> Question:
    """Add a question; everyone already trained in the program gets its card."""
    question = model_create(
        Question,
        concept=concept,
        kind=kind,
        prompt=prompt.strip(),
        choices=[c.strip() for c in choices],
        answer=answer.strip(),
        explanation=explanation.strip(),
    )
    trained = concept.program.enrollments.filter(trained_on__isnull=False)
    Card.objects.bulk_create(
        _cards_for(trained, [question], _concept_index(concept.program)),
        ignore_conflicts=True,
    )
    return question


@transaction.atomic
def cards_sync(*, program: Program) -> int:
    """Cards for trained participants (managers too) who have none in this program yet."""
    questions = list(Question.objects.filter(concept__program=program))
    if not questions:
        return 0
    has_cards = Card.objects.filter(person=OuterRef("person"), question__concept__program=program)
    missing = list(program.enrollments.filter(trained_on__isnull=False).exclude(Exists(has_cards)))
    cards = _cards_for(missing, questions, _concept_index(program))
    Card.objects.bulk_create(cards, batch_size=5000, ignore_conflicts=True)
    return len(missing)


def grade(question: Question, answer: str) -> Rating:
    return Rating.Good if is_correct(question, answer) else Rating.Again


@transaction.atomic
def refresher_answer(
    *, person: Person, card: Card, answer: str, now: dt.datetime | None = None
) -> Review:
    """Grade the answer, reschedule the card with FSRS, log the review."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    card = Card.objects.select_for_update().select_related("question__concept").get(pk=card.pk)
    if card.person_id != person.pk:
        raise ValidationError({"card": "This refresher is someone else's."})
    if card.due >= due_cutoff(now.date()):
        raise ValidationError(
            {"answer": f"This refresher is not due yet: it is due on {card.due:%d %b %Y}."}
        )
    if not answer.strip():
        raise ValidationError({"answer": "Pick an answer."})
    rating = grade(card.question, answer)
    scheduler = scheduler_for(card.question.concept.program_id)
    updated, _log = scheduler.review_card(to_fsrs(card), rating, now)
    card.state, card.step = int(updated.state), updated.step
    card.stability, card.difficulty = updated.stability, updated.difficulty
    card.due, card.last_review = updated.due, updated.last_review
    card.reviews += 1
    card.lapses += rating == Rating.Again and card.reviews > 1
    card.save(
        update_fields=[
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reviews",
            "lapses",
        ]
    )
    review = Review.objects.create(
        card=card,
        person=person,
        concept_id=card.question.concept_id,
        team_id=person.team_id,
        answer=answer.strip()[:300],
        correct=rating == Rating.Good,
        rating=int(rating),
        reviewed_at=now,
        next_due=card.due,
    )
    retention_totals_add(review=review, program_id=card.question.concept.program_id)
    return review


def _due_counts(person_ids: list[int], cutoff: dt.datetime) -> Any:
    # Counting a column of the (person, due) index lets PostgreSQL answer from the index.
    return (
        Card.objects.filter(person_id__in=person_ids, due__lt=cutoff)
        .values("person_id")
        .annotate(n=Count("person_id"))
        .values_list("person_id", "n")
    )


def refreshers_send_digests(
    *, today: dt.date | None = None, batch_size: int = DIGEST_BATCH
) -> dict[str, int]:
    """One digest per person with refreshers due today, through the outbox.

    People are walked in primary-key batches; each batch costs four queries whatever its
    size (the people, their due counts, their notification preferences, one bulk insert). Each batch commits on its own,
    and its digests start going out then. The dedupe key (person, day) makes a second run
    the same day queue nothing new."""
    today = today or timezone.localdate()
    cutoff = due_cutoff(today)
    url = absolute_url(reverse("refreshers:due"))
    last, people_seen, queued = 0, 0, 0
    while True:
        with transaction.atomic():
            people = list(
                Person.objects.filter(pk__gt=last, is_active=True, organization__isnull=False)
                .order_by("pk")
                .values_list("pk", "email", "organization_id")[:batch_size]
            )
            if not people:
                break
            last = people[-1][0]
            people_seen += len(people)
            due = dict(_due_counts([p[0] for p in people], cutoff))
            queued += outbox_enqueue_many(
                messages=[
                    OutboxDraft(
                        organization_id=org_id,
                        recipient_id=pk,
                        to=email,
                        subject=f"{due[pk]} refresher{'s' if due[pk] != 1 else ''} due today",
                        body=(
                            f"You have {due[pk]} refresher question{'s' if due[pk] != 1 else ''}"
                            f" due today. Two minutes keeps the workshop fresh: {url}"
                        ),
                        kind="refresher_digest",
                        dedupe_key=f"refreshers-{pk}-{today.isoformat()}",
                    )
                    for pk, email, org_id in people
                    if due.get(pk)
                ]
            )
    return {"people": people_seen, "digests": queued}


def refreshers_daily(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily sweep: cards for the newly trained, then the digests. (The retention
    totals have a sweep of their own, `refresher-totals-daily`: recounting figures must be
    possible without sending anything.)"""
    synced = 0
    for program in Program.objects.filter(
        Exists(Enrollment.objects.filter(program=OuterRef("pk"), trained_on__isnull=False))
    ):
        synced += cards_sync(program=program)
    return {"synced": synced, **refreshers_send_digests(today=today)}


def retention_totals_refresh_all(*, today: dt.date | None = None) -> int:
    """`retention_totals_refresh` for every program with answers: the complete weeks stored."""
    return sum(
        retention_totals_refresh(program=program, today=today)
        for program in Program.objects.filter(
            Exists(Review.objects.filter(concept__program=OuterRef("pk")))
        )
    )


QUESTION_FIELDS = ("kind", "prompt", "choices", "answer", "explanation")


@transaction.atomic
def question_update(*, question: Question, data: dict[str, Any]) -> Question:
    """Change a question; its cards keep their schedule (the concept is the same)."""
    data = dict(data)
    for field in ("prompt", "answer", "explanation"):
        if isinstance(data.get(field), str):
            data[field] = data[field].strip()
    if isinstance(data.get("choices"), list):
        data["choices"] = [str(c).strip() for c in data["choices"]]
    return model_update(instance=question, data=data, fields=QUESTION_FIELDS)


@transaction.atomic
def question_delete(*, question: Question) -> int:
    """Remove a question with its cards and answers; returns how many answers went."""
    from sustain.refreshers.tasks import refresh_retention_totals

    reviews = Review.objects.filter(card__question=question)
    found = reviews.aggregate(n=Count("id"), first=Min("reviewed_at"))
    program_id = question.concept.program_id
    question.delete()
    if found["first"] is not None:
        retention_totals_invalidate(program_id=program_id, since=found["first"])
        transaction.on_commit(lambda: refresh_retention_totals.enqueue(program_id))
    answers: int = found["n"]
    return answers


# The question bank CSV: one question per row. `answer` is the correct choice word for
# word, or its number (1 for choice_1). Documented in docs/plans-and-refreshers.md.
BANK_CHOICES = 8
BANK_COLUMNS = (
    "concept",
    "kind",
    "prompt",
    *(f"choice_{i}" for i in range(1, BANK_CHOICES + 1)),
    "answer",
    "explanation",
)
BANK_REQUIRED = ("concept", "prompt", "choice_1", "choice_2", "answer", "explanation")


def bank_template() -> str:
    example = {
        "concept": "Discovery",
        "kind": "choice",
        "prompt": "What does an impact question ask the buyer?",
        "choice_1": "What the problem costs",
        "choice_2": "Who signs the contract",
        "choice_3": "Which competitor they use",
        "answer": "What the problem costs",
        "explanation": "Impact questions put a number on the problem, in the buyer's words.",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=BANK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(example)
    return buffer.getvalue()


def _bank_row(
    row: int,
    cells: dict[str, str],
    concepts: dict[str, Concept],
    seen: set[tuple[int, str]],
) -> tuple[dict[str, Any] | None, list[CellError]]:
    errors: list[CellError] = []
    concept = concepts.get(cells.get("concept", "").lower())
    if concept is None:
        errors.append(CellError(row, "concept", "no concept of this program has this name"))
    kind = (cells.get("kind") or QuestionKind.CHOICE).lower()
    if kind not in QuestionKind.values:
        errors.append(CellError(row, "kind", "expected “choice” or “scenario”"))
    prompt = cells.get("prompt", "")
    if not prompt:
        errors.append(CellError(row, "prompt", "the question is empty"))
    choices = [cells.get(f"choice_{i}", "") for i in range(1, BANK_CHOICES + 1)]
    choices = [c for c in choices if c]
    if len(choices) < 2:
        errors.append(CellError(row, "choice_2", "give at least two choices"))
    elif len(set(choices)) != len(choices):
        errors.append(CellError(row, "choice_1", "two choices are the same"))
    answer = cells.get("answer", "")
    if answer not in choices and answer.isdigit() and 1 <= int(answer) <= BANK_CHOICES:
        answer = cells.get(f"choice_{answer}", "")
    if not answer or answer not in choices:
        errors.append(
            CellError(row, "answer", "the answer must be one of the choices (or its number)")
        )
    if not cells.get("explanation"):
        errors.append(CellError(row, "explanation", "explain the right answer"))
    if concept is not None and prompt:
        key = (concept.pk, prompt.lower())
        if key in seen:
            errors.append(CellError(row, "prompt", "this question is already in the bank"))
        seen.add(key)
    if errors:
        return None, errors
    assert concept is not None
    values = {
        "concept": concept,
        "kind": kind,
        "prompt": prompt,
        "choices": choices,
        "answer": answer,
        "explanation": cells["explanation"],
    }
    return values, []


@transaction.atomic
def questions_import(
    *, program: Program, data: bytes, filename: str, dry_run: bool = False
) -> list[Question]:
    """Import a question bank (CSV or XLSX) into the program's concepts: all rows or none.
    Raises TableRejected naming the row and column of every problem."""
    table = read_table(data, filename)
    columns = [c.strip().lower() for c in table.columns]
    missing = [c for c in BANK_REQUIRED if c not in columns]
    if missing:
        raise TableRejected([CellError(1, c, "missing column") for c in missing])
    concepts = {c.name.strip().lower(): c for c in program.concepts.all()}
    seen = {
        (concept_id, prompt.strip().lower())
        for concept_id, prompt in Question.objects.filter(concept__program=program).values_list(
            "concept_id", "prompt"
        )
    }
    rows, errors = [], []
    for number, cells in table.rows:
        values, row_errors = _bank_row(
            number, dict(zip(columns, cells, strict=True)), concepts, seen
        )
        errors += row_errors
        if values is not None:
            rows.append(values)
    if errors:
        raise TableRejected(errors)
    if not rows:
        raise TableRejected([CellError(2, "", "the file has no questions")])
    if dry_run:
        return [Question(**values) for values in rows]
    return [question_create(**values) for values in rows]


# Stored weekly totals (RetentionStore, RetentionTotal) --------------------------------


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in the server's time zone: weeks and days of the retention
    figures are local, as `TruncWeek` counts them."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def retention_totals_invalidate(*, program_id: int, since: dt.datetime) -> None:
    """Answers at or after `since` changed: the weeks from `since`'s on are counted live
    again until the next refresh stores them. One UPDATE when nothing stored is touched."""
    week = week_of(timezone.localdate(since))
    if RetentionStore.objects.filter(program_id=program_id, through__gt=week).update(
        through=week, tallied=None
    ):
        RetentionTotal.objects.filter(program_id=program_id, period__gte=week).delete()


def retention_tally(program: Program, through: dt.date) -> list[int]:
    """What the answers from `through` on are, in three numbers: how many, how many
    without a team, the last id. The stored tally of those weeks holds while they match."""
    found = Review.objects.filter(
        concept__program=program, reviewed_at__gte=local_midnight(through)
    ).aggregate(n=Count("id"), no_team=Count("id", filter=Q(team__isnull=True)), last=Max("id"))
    return [found["n"], found["no_team"], found["last"] or 0]


def _bump(row: dict[str, Any], *, correct: bool, new_person: bool, newcomer: bool) -> None:
    bumped = RetentionTotal.objects.filter(**row).update(
        answers=F("answers") + 1,
        correct=F("correct") + int(correct),
        people=F("people") + int(new_person),
        newcomers=F("newcomers") + int(newcomer),
    )
    if not bumped:
        RetentionTotal.objects.create(
            **row,
            answers=1,
            correct=int(correct),
            people=int(new_person),
            newcomers=int(newcomer),
        )


def retention_totals_add(*, review: Review, program_id: int) -> None:
    """Count a new answer into the stored totals, in the answer's transaction: its week's
    concept and team rows and its day's row (a person counted once per bucket, a newcomer
    once per team). An answer dated before the stored weeks' end puts them back to live
    instead. The store's row is locked, so answers to one program are counted one at a
    time (PostgreSQL) and a refresh never interleaves."""
    store = RetentionStore.objects.select_for_update().filter(program_id=program_id).first()
    if store is None or store.through is None:
        return
    if review.reviewed_at < local_midnight(store.through):
        retention_totals_invalidate(program_id=program_id, since=review.reviewed_at)
        return
    if store.tallied is None:
        return
    day = timezone.localdate(review.reviewed_at)
    week = week_of(day)
    low, high = local_midnight(week), local_midnight(week + dt.timedelta(weeks=1))
    others = Review.objects.filter(person_id=review.person_id).exclude(pk=review.pk)
    same_week = others.filter(reviewed_at__gte=low, reviewed_at__lt=high)
    team = {"team_id": review.team_id}
    common = {"program_id": program_id, "concept_id": None, "team_id": None}
    _bump(
        {
            **common,
            "by": RetentionTotal.By.CONCEPT,
            "period": week,
            "concept_id": review.concept_id,
        },
        correct=review.correct,
        new_person=not same_week.filter(concept_id=review.concept_id).exists(),
        newcomer=False,
    )
    _bump(
        {**common, "by": RetentionTotal.By.TEAM, "period": week, **team},
        correct=review.correct,
        new_person=not same_week.filter(**team).exists(),
        newcomer=not others.filter(
            **team, concept__program_id=program_id, reviewed_at__lt=high
        ).exists(),
    )
    _bump(
        {**common, "by": RetentionTotal.By.DAY, "period": day},
        correct=False,
        new_person=False,
        newcomer=False,
    )
    n, no_team, last = store.tallied
    store.tallied = [n + 1, no_team + (review.team_id is None), max(last, review.pk)]
    store.save(update_fields=["tallied"])


def _stored_add_up(program: Program, through: dt.date) -> bool:
    """Whether the stored weeks still hold exactly the answers before `through`: the
    concept rows and the team rows add up to their number, the "No team" rows to those
    without a team. Deleting a person, a team or a concept (Django's admin) breaks this."""
    answers = Review.objects.filter(
        concept__program=program, reviewed_at__lt=local_midnight(through)
    ).aggregate(n=Count("id"), no_team=Count("id", filter=Q(team__isnull=True)))
    by = RetentionTotal.By
    stored = RetentionTotal.objects.filter(program=program, period__lt=through).aggregate(
        in_concepts=Sum("answers", filter=Q(by=by.CONCEPT)),
        in_teams=Sum("answers", filter=Q(by=by.TEAM)),
        in_no_team=Sum("answers", filter=Q(by=by.TEAM, team__isnull=True)),
        in_days=Sum("answers", filter=Q(by=by.DAY)),
    )
    return (
        all((stored[k] or 0) == answers["n"] for k in ("in_concepts", "in_teams", "in_days"))
        and (stored["in_no_team"] or 0) == answers["no_team"]
    )


def _week_totals(program: Program, monday: dt.date) -> list[RetentionTotal]:
    low, high = local_midnight(monday), local_midnight(monday + dt.timedelta(weeks=1))
    reviews = Review.objects.filter(
        concept__program=program, reviewed_at__gte=low, reviewed_at__lt=high
    ).order_by()
    counts = {
        "answers": Count("id"),
        "correct": Count("id", filter=Q(correct=True)),
        "people": Count("person", distinct=True),
    }
    earlier = Review.objects.filter(
        person=OuterRef("person"),
        team=OuterRef("team"),
        concept__program=program,
        reviewed_at__lt=low,
    )
    rows = [
        RetentionTotal(program=program, by=RetentionTotal.By.CONCEPT, period=monday, **r)
        for r in reviews.values("concept_id").annotate(**counts)
    ]
    rows += [
        RetentionTotal(program=program, by=RetentionTotal.By.TEAM, period=monday, **r)
        for r in reviews.values("team_id").annotate(
            **counts, newcomers=Count("person", distinct=True, filter=~Exists(earlier))
        )
    ]
    days: QuerySet[Any] = (
        reviews.annotate(period=TruncDate("reviewed_at"))
        .values("period")
        .annotate(answers=Count("id"))
    )
    rows += [
        RetentionTotal(program=program, by=RetentionTotal.By.DAY, correct=0, people=0, **r)
        for r in days
    ]
    return rows


def _locked_store(program: Program) -> RetentionStore:
    """The program's store row, locked for this transaction. Writing first takes the write
    lock (SQLite) or the row lock (PostgreSQL): an answer waits for the refresh's step,
    then counts itself in or lowers `through` again."""
    store, _ = RetentionStore.objects.get_or_create(program=program)
    RetentionStore.objects.filter(pk=store.pk).update(refreshed_at=timezone.now())
    return RetentionStore.objects.select_for_update().get(pk=store.pk)


def retention_totals_refresh(*, program: Program, today: dt.date | None = None) -> int:
    """Store the program's complete weeks not stored yet (all of them the first time, or
    when the stored ones no longer add up or were counted in another time zone), then the
    weeks from this one on with their tally; returns how many complete weeks were stored.
    Idempotent; the daily sweep calls it for every program. Each week commits on its own
    (the first filling of a large program takes seconds per week): in between, the
    figures stay exact, the weeks not yet stored being counted live."""
    target = week_of(today or timezone.localdate())
    zone = timezone.get_current_timezone_name()
    with transaction.atomic():
        store = _locked_store(program)
        through = store.through if store.time_zone == zone else None
        if through is not None and not _stored_add_up(program, through):
            through = None
        if through is None:
            RetentionTotal.objects.filter(program=program).delete()
            first = Review.objects.filter(concept__program=program).aggregate(
                first=Min("reviewed_at")
            )["first"]
            through = week_of(timezone.localdate(first)) if first is not None else target
        RetentionTotal.objects.filter(program=program, period__gte=through).delete()
        store.through, store.time_zone, store.tallied = through, zone, None
        store.save(update_fields=["through", "time_zone", "tallied"])
    weeks = 0
    while True:
        with transaction.atomic():
            store = _locked_store(program)
            through = store.through
            assert through is not None  # set above; an invalidation only lowers it
            RetentionTotal.objects.filter(program=program, period__gte=through).delete()
            if through >= target:
                _store_tallied_weeks(program, store, through)
                return weeks
            RetentionTotal.objects.bulk_create(_week_totals(program, through), batch_size=2000)
            store.through = through + dt.timedelta(weeks=1)
            store.save(update_fields=["through"])
            weeks += 1


def _store_tallied_weeks(program: Program, store: RetentionStore, through: dt.date) -> None:
    """The weeks from `through` on (this one, and any later answer) with their tally: from
    here on each answer adds itself (`retention_totals_add`)."""
    last = Review.objects.filter(concept__program=program).aggregate(last=Max("reviewed_at"))[
        "last"
    ]
    week = through
    while last is not None and local_midnight(week) <= last:
        RetentionTotal.objects.bulk_create(_week_totals(program, week), batch_size=2000)
        week += dt.timedelta(weeks=1)
    store.tallied = retention_tally(program, through)
    store.save(update_fields=["tallied"])
