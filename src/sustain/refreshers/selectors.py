"""Reads of refreshers: what is due for a person, and retention over time as a chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, Power, TruncWeek
from django.utils import timezone

from sustain.orgs import access, privacy
from sustain.orgs.models import Person
from sustain.programs.models import Concept, Program
from sustain.refreshers import choice, services
from sustain.refreshers.models import Card, Question, RetentionStore, RetentionTotal, Review
from sustain.refreshers.services import SCHEDULER, due_cutoff


def due_cards(*, person: Person, today: dt.date) -> QuerySet[Card]:
    return (
        Card.objects.filter(person=person, due__lt=due_cutoff(today))
        .select_related("question__concept")
        .order_by("due", "pk")
    )


def questions_for(program: Program) -> QuerySet[Question]:
    return Question.objects.filter(concept__program=program).select_related("concept")


def questions_shown_to(viewer: Person, questions: QuerySet[Question]) -> list[dict[str, Any]]:
    """The question bank as `viewer` may read it: a question's answer and explanation are
    None unless she holds the answer key or has answered that question herself."""
    questions = questions.select_related("concept__program")
    answered = set(
        Review.objects.filter(person=viewer, card__question__in=questions).values_list(
            "card__question_id", flat=True
        )
    )
    rows = []
    for q in questions:
        shown = access.sees_answer(viewer, q.concept.program, answered=q.pk in answered)
        rows.append(
            {
                "id": q.pk,
                "concept": q.concept,
                "kind": q.kind,
                "kind_label": q.get_kind_display(),
                "prompt": q.prompt,
                "choices": q.choices if shown else choice.shuffled(q.choices),
                "answer": q.answer if shown else None,
                "explanation": q.explanation if shown else None,
            }
        )
    return rows


def recent_reviews(*, person: Person, limit: int = 10) -> QuerySet[Review]:
    return (
        Review.objects.filter(person=person)
        .select_related("card__question", "concept")
        .order_by("-reviewed_at")[:limit]
    )


class _Week(TruncWeek):
    """TruncWeek, with the Monday computed by SQLite itself when the time zone is UTC
    (Django's SQLite TruncWeek calls back into Python once per row)."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        if self.get_tzname() not in (None, "UTC"):
            return super().as_sqlite(compiler, connection, **extra)
        sql, params = compiler.compile(self.lhs)
        return f"datetime(date({sql}, 'weekday 0', '-6 days'))", params


def retention(
    *,
    program: Program,
    by: str,
    viewer: Person | None = None,
    teams: list[int] | None = None,
    stored: Stored | None = None,
) -> list[dict[str, Any]]:
    """Share of answers correct per week and per concept (`by="concept"`) or per team
    (`by="team"`, of the given `teams` only when given): aggregates only, no person
    appears. A week and group answered by fewer than k people is left out for a viewer
    who may not see them one by one."""
    return retention_points(
        retention_rows(program=program, by=by, viewer=viewer, teams=teams, stored=stored), by=by
    )


@dataclass(frozen=True)
class Stored:
    """What a program's stored totals cover: the complete weeks before `since` (None:
    nothing stored), and, when `whole`, the weeks from `since` on too (their tally still
    matches the answers), so nothing needs counting live."""

    since: dt.date | None
    whole: bool

    def rows(self, rows: QuerySet[RetentionTotal]) -> QuerySet[RetentionTotal]:
        if self.whole:
            return rows
        return rows.filter(period__lt=self.since or dt.date.min)

    def live(self, reviews: QuerySet[Review]) -> QuerySet[Review]:
        if self.whole:
            return reviews.none()
        if self.since is None:
            return reviews
        return reviews.filter(reviewed_at__gte=services.local_midnight(self.since))


def stored_state(program: Program) -> Stored:
    """The program's `Stored`: one query, two when something is stored."""
    row = (
        RetentionStore.objects.filter(
            program=program, time_zone=timezone.get_current_timezone_name()
        )
        .values_list("through", "tallied")
        .first()
    )
    through, tallied = row or (None, None)
    if through is None:
        return Stored(None, False)
    return Stored(through, tallied == services.retention_tally(program, through))


class RetentionRows:
    """`retention_rows`' answer: the stored weeks' rows, then the live weeks' rows (all
    later), counted and sliced in SQL, so the API pages them without reading them all."""

    def __init__(self, stored: QuerySet[Any], live: QuerySet[Any]) -> None:
        self.stored, self.live = stored, live
        self._stored_count: int | None = None

    def _first_count(self) -> int:
        if self._stored_count is None:
            self._stored_count = self.stored.count()
        return self._stored_count

    def __len__(self) -> int:
        return self._first_count() + self.live.count()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self.stored
        yield from self.live

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        start, stop = page.start or 0, page.stop
        n = self._first_count()
        rows = list(self.stored[start:stop]) if start < n else []
        if stop is None or stop > n:
            rows += list(self.live[max(start - n, 0) : None if stop is None else stop - n])
        return rows


def retention_rows(
    *,
    program: Program,
    by: str,
    viewer: Person | None = None,
    teams: list[int] | None = None,
    stored: Stored | None = None,
) -> RetentionRows:
    """`retention`'s grouped rows (week, group id, name, answers `n`, `correct`,
    `people`), by week then group name, the privacy rule applied in SQL: the complete
    weeks from the stored totals, the others counted from the answers; then
    `retention_points` the page. A group is a concept or a team (by id: two concepts of one
    name are two groups)."""
    state = stored or stored_state(program)
    fewest = privacy.fewest_shown(viewer, organization=program.organization)
    group, name = _RETENTION_GROUP[by]
    totals = state.rows(RetentionTotal.objects.filter(program=program, by=by, people__gte=fewest))
    reviews = state.live(Review.objects.filter(concept__program=program))
    if teams is not None:
        totals, reviews = totals.filter(team__in=teams), reviews.filter(team__in=teams)
    live: QuerySet[Any] = (
        reviews.annotate(week=_Week("reviewed_at"))
        .values("week", group, name)
        .annotate(
            n=Count("id"),
            correct=Count("id", filter=Q(correct=True)),
            people=Count("person", distinct=True),
        )
        .filter(people__gte=fewest)
        .order_by("week", name, group)
    )
    kept: QuerySet[Any] = totals.values(
        group, name, "correct", "people", week=F("period"), n=F("answers")
    ).order_by("period", name, group)
    return RetentionRows(kept, live)


_RETENTION_GROUP = {"concept": ("concept", "concept__name"), "team": ("team", "team__name")}


def retention_points(rows: Iterable[dict[str, Any]], *, by: str) -> list[dict[str, Any]]:
    _group, name = _RETENTION_GROUP[by]
    return [
        {
            "week": _day(r["week"]).isoformat(),
            "group": r[name] or "No team",
            "retention": round(r["correct"] / r["n"], 3),
            "answers": r["n"],
        }
        for r in rows
    ]


def _day(week: dt.date | dt.datetime) -> dt.date:
    return week.date() if isinstance(week, dt.datetime) else week


def lowest_retention_teams(
    *, program: Program, viewer: Person | None, n: int, stored: Stored | None = None
) -> tuple[list[int], int]:
    """The `n` teams with the lowest share of answers correct over the whole program (among
    those whose figure the viewer may see), and how many teams answered at all."""
    state = stored or stored_state(program)
    fewest = privacy.fewest_shown(viewer, organization=program.organization)
    if state.whole:
        return _lowest_stored(program, fewest, n)
    return _lowest_live(program, state, fewest, n)


def _lowest_stored(program: Program, fewest: int, n: int) -> tuple[list[int], int]:
    """From the stored totals alone: a team's distinct people are its `newcomers` summed."""
    teams = (
        RetentionTotal.objects.filter(program=program, by="team", team__isnull=False)
        .values("team")
        .annotate(n=Sum("answers"), right=Sum("correct"), people=Sum("newcomers"))
        .order_by()
    )
    lowest = (
        teams.filter(people__gte=fewest)
        .annotate(share=Cast(F("right"), FloatField()) / F("n"))
        .order_by("share", "team")
        .values_list("team", flat=True)[:n]
    )
    return list(lowest), teams.count()


def _lowest_live(program: Program, state: Stored, fewest: int, n: int) -> tuple[list[int], int]:
    """The stored weeks give each team's answers and, summing `newcomers`, its distinct
    people before `since`; the live weeks add theirs. A team's people are then known
    only between max(stored, live) and their sum (someone may have answered in both):
    only where k falls in between are the live newcomers counted, for those teams."""
    since = state.since
    teams: dict[int, dict[str, int]] = {
        team: {"team": team, "n": n, "correct": correct, "people": people}
        for team, n, correct, people in state.rows(
            RetentionTotal.objects.filter(program=program, by="team", team__isnull=False)
        )
        .values("team")
        .annotate(n=Sum("answers"), correct=Sum("correct"), people=Sum("newcomers"))
        .values_list("team", "n", "correct", "people")
        .order_by()
    }
    reviews = state.live(Review.objects.filter(concept__program=program, team__isnull=False))
    unsure = []
    for r in (
        reviews.values("team")
        .annotate(
            n=Count("id"),
            correct=Count("id", filter=Q(correct=True)),
            people=Count("person", distinct=True),
        )
        .order_by()
    ):
        old = teams.setdefault(r["team"], {"team": r["team"], "n": 0, "correct": 0, "people": 0})
        old["n"] += r["n"]
        old["correct"] += r["correct"]
        if max(old["people"], r["people"]) < fewest <= old["people"] + r["people"]:
            unsure.append(r["team"])
        old["people"] = max(old["people"], r["people"])
    if unsure and since is not None:
        earlier = Review.objects.filter(
            person=OuterRef("person"),
            team=OuterRef("team"),
            concept__program=program,
            reviewed_at__lt=services.local_midnight(since),
        )
        new = (
            reviews.filter(team__in=unsure)
            .values("team")
            .annotate(new=Count("person", distinct=True, filter=~Exists(earlier)))
        )
        before = dict(
            RetentionTotal.objects.filter(
                program=program, by="team", team__in=unsure, period__lt=since
            )
            .values("team")
            .annotate(people=Sum("newcomers"))
            .values_list("team", "people")
            .order_by()
        )
        for team, people in new.values_list("team", "new").order_by():
            teams[team]["people"] = before.get(team, 0) + people
    shown = [r for r in teams.values() if r["people"] >= fewest]
    shown.sort(key=lambda r: (r["correct"] / r["n"], r["team"]))
    return [r["team"] for r in shown[:n]], len(teams)


class _DaysBetween(Func):
    """The days (with their fraction) from the first datetime to the second."""

    output_field = FloatField()
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "

    def __init__(self, start: Expression | F, end: Expression | F) -> None:
        # PostgreSQL reads `end - start`: the arguments in that order.
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


def retention_summary(*, program: Program, now: dt.datetime) -> dict[str, Any] | None:
    """Kirkpatrick level 2 from refreshers: the share of answers correct (all of them, and
    those of the last 30 days) and the average FSRS retrievability `now` of the cards
    reviewed at least once. None when nobody has answered yet."""
    since = now - dt.timedelta(days=30)
    counts = Review.objects.filter(concept__program=program).aggregate(
        total=Count("id"),
        right=Count("id", filter=Q(correct=True)),
        recent_total=Count("id", filter=Q(reviewed_at__gte=since)),
        recent_right=Count("id", filter=Q(correct=True, reviewed_at__gte=since)),
        people=Count("person", distinct=True),
        recent_people=Count("person", distinct=True, filter=Q(reviewed_at__gte=since)),
    )
    if not counts["total"]:
        return None
    # FSRS retrievability (fsrs.Scheduler.get_card_retrievability) per card, averaged in
    # SQL: (1 + FACTOR * elapsed_days / stability) ** DECAY, elapsed_days being the whole
    # days since the card's last review (at least 0).
    decay = -SCHEDULER.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    elapsed = Greatest(Floor(_DaysBetween(F("last_review"), Value(now))), Value(0.0))
    cards = Card.objects.filter(
        question__concept__program=program, last_review__isnull=False, stability__isnull=False
    ).aggregate(
        n=Count("pk"),
        people=Count("person", distinct=True),
        retrievability=Avg(Power(1 + factor * elapsed / F("stability"), decay)),
    )
    return {
        "answers": counts["total"],
        "people": counts["people"],
        "recent_people": counts["recent_people"],
        "correct": counts["right"] / counts["total"],
        "recent_answers": counts["recent_total"],
        "recent_correct": (
            counts["recent_right"] / counts["recent_total"] if counts["recent_total"] else None
        ),
        "cards": cards["n"],
        "card_people": cards["people"],
        "retrievability": cards["retrievability"],
    }


def bank_by_concept(*, program: Program) -> QuerySet[Concept]:
    """The program's concepts with their questions and answer counts: two queries. A
    question's answers are the sum of its cards' `reviews` counters (each answer adds one
    in its own transaction, `refresher_answer`): a third of the rows of counting the answers
    themselves, without joining them (0.2-0.3 s on PostgreSQL at 300,000 answers)."""
    questions = Question.objects.annotate(n_answers=Coalesce(Sum("cards__reviews"), 0)).order_by(
        "id"
    )
    return program.concepts.prefetch_related(Prefetch("questions", queryset=questions))


def answers_count(*, question: Question) -> int:
    return Review.objects.filter(card__question=question).count()
