"""`sustain demo --reps N` past the story's 81 reps: more regions, teams and managers in the
demo's proportions (9 reps a team, 3 teams a region), with what a page reads about a rep —
enrollment and training, 12 weeks of revenue and wins, coaching observations with scores,
refresher cards with a review each — written with bulk_create, a few queries per 5,000
rows, so 100,000 reps build in minutes. The same N builds the same data (a seeded random).
The extra reps carry no 90-day plans, certifications or call recordings."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Model

from sustain.coaching.models import Channel, Observation, ObservationScore
from sustain.demo.context import DemoContext
from sustain.metrics.models import KpiDefinition, KpiValue
from sustain.orgs.models import Person, Region, Role, Team
from sustain.programs.models import Enrollment
from sustain.refreshers.models import Card, Question, Review

REPS_PER_TEAM = 9
TEAMS_PER_REGION = 3
KPI_WEEKS = 12
CARDS_PER_REP = 4
BATCH = 5000


def _bulk(model: type[Model], rows: Iterable[Model]) -> list[Any]:
    """Insert in batches; the objects come back with their ids (SQLite ≥ 3.35, PostgreSQL)."""
    done: list[Any] = []
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH)):
        done += model._default_manager.bulk_create(batch, batch_size=BATCH)
    return done


def _chunks(n: int, size: int) -> Iterator[range]:
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def grow(ctx: DemoContext, *, reps: int, seed: int = 11) -> None:
    """Add `reps` reps to the built demo."""
    rng = random.Random(seed)
    org, program, today = ctx.org, ctx.program, ctx.today
    password = Person.objects.filter(organization=org).values_list("password", flat=True)[0]
    teams_needed = -(-reps // REPS_PER_TEAM)
    regions = _bulk(
        Region,
        (
            Region(organization=org, name=f"Region {i + 1:04d}")
            for i in range(-(-teams_needed // TEAMS_PER_REGION))
        ),
    )
    managers = _bulk(
        Person,
        (
            Person(
                organization=org,
                email=f"manager.{i + 1:05d}@northwind.example",
                name=f"Manager {i + 1:05d}",
                role=Role.MANAGER,
                title="Sales Manager",
                region=regions[i // TEAMS_PER_REGION],
                hire_date=today - dt.timedelta(days=rng.randint(900, 3000)),
                password=password,
            )
            for i in range(teams_needed)
        ),
    )
    teams = _bulk(
        Team,
        (
            Team(
                organization=org,
                name=f"Team {i + 1:05d}",
                region=regions[i // TEAMS_PER_REGION],
                manager=managers[i],
            )
            for i in range(teams_needed)
        ),
    )
    # Like the story: a third of the teams in each cohort, a third not trained yet.
    sessions = [*ctx.sessions, None]
    team_session = [sessions[i % 3] for i in range(teams_needed)]
    for chunk in _chunks(reps, 20 * BATCH):
        people = _bulk(
            Person,
            (
                Person(
                    organization=org,
                    email=f"rep.{i + 1:06d}@northwind.example",
                    name=f"Rep {i + 1:06d}",
                    role=Role.REP,
                    title="Account Executive",
                    region=teams[i // REPS_PER_TEAM].region,
                    team=teams[i // REPS_PER_TEAM],
                    hire_date=today - dt.timedelta(days=rng.randint(200, 2500)),
                    external_id=f"005XR{i + 1:06d}",
                    password=password,
                )
                for i in chunk
            ),
        )
        _enroll(ctx, people, [team_session[i // REPS_PER_TEAM] for i in chunk])
    _enroll(ctx, managers, team_session)
    trained = {
        person: day
        for person, day in Enrollment.objects.filter(
            program=program, person__in=Person.objects.filter(team__in=teams, role=Role.REP)
        ).values_list("person_id", "trained_on")
        if day is not None
    }
    rep_rows = list(
        Person.objects.filter(team__in=teams, role=Role.REP)
        .order_by("pk")
        .values_list("pk", "team__manager_id")
    )
    _kpis(ctx, [pk for pk, _ in rep_rows], trained, rng)
    _observations(ctx, rep_rows, trained, rng)
    _cards(ctx, [pk for pk, _ in rep_rows if pk in trained], rng)


def _enroll(ctx: DemoContext, people: list[Person], sessions: list[Any]) -> None:
    _bulk(
        Enrollment,
        (
            Enrollment(
                program=ctx.program,
                person=person,
                role=person.role,
                session=session,
                attended=True if session else None,
                trained_on=session.ends_on if session else None,
            )
            for person, session in zip(people, sessions, strict=True)
        ),
    )


def _kpis(
    ctx: DemoContext, reps: list[int], trained: dict[int, dt.date], rng: random.Random
) -> None:
    kpis = dict(
        KpiDefinition.objects.filter(organization=ctx.org, key__in=["revenue", "wins"]).values_list(
            "key", "pk"
        )
    )
    monday = ctx.today - dt.timedelta(days=ctx.today.weekday())
    weeks = [monday - dt.timedelta(weeks=KPI_WEEKS - i) for i in range(KPI_WEEKS)]

    def rows() -> Iterator[KpiValue]:
        for rep in reps:
            base = rng.uniform(14000, 26000)
            day = trained.get(rep)
            for week in weeks:
                lift = 1.08 if day and week >= day else 1.0
                revenue = round(base * lift * rng.gauss(1, 0.08), 2)
                yield KpiValue(rep_id=rep, period=week, kpi_id=kpis["revenue"], value=revenue)
                yield KpiValue(
                    rep_id=rep, period=week, kpi_id=kpis["wins"], value=float(round(revenue / 6000))
                )

    _bulk(KpiValue, rows())


def _observations(
    ctx: DemoContext, reps: list[tuple[int, int]], trained: dict[int, dt.date], rng: random.Random
) -> None:
    """Three observations with two scores each for every trained rep of every other team."""
    concepts = list(ctx.program.concepts.order_by("position").values_list("pk", flat=True))
    channels = list(Channel.values)
    coached = [(rep, manager) for rep, manager in reps if rep in trained and manager % 2 == 0]
    for chunk in _chunks(len(coached), BATCH):
        observations = _bulk(
            Observation,
            (
                Observation(
                    organization=ctx.org,
                    program=ctx.program,
                    rep_id=coached[i][0],
                    observer_id=coached[i][1],
                    date=max(trained[coached[i][0]], ctx.today - dt.timedelta(weeks=4 * n + 1)),
                    channel=rng.choice(channels),
                    diagnosis="skill",
                    summary="Worked on discovery.",
                )
                for i in chunk
                for n in range(3)
            ),
        )
        _bulk(
            ObservationScore,
            (
                ObservationScore(observation=o, concept_id=c, score=rng.randint(1, 4))
                for o in observations
                for c in concepts[:2]
            ),
        )


def _cards(ctx: DemoContext, reps: list[int], rng: random.Random) -> None:
    """CARDS_PER_REP refresher cards per trained rep, each reviewed once, some lapsed."""
    questions = list(
        Question.objects.filter(concept__program=ctx.program)
        .order_by("concept__position", "id")
        .values_list("pk", "concept_id")[:CARDS_PER_REP]
    )
    team_of = dict(Person.objects.filter(pk__in=reps).values_list("pk", "team_id"))
    now = dt.datetime.combine(ctx.today, dt.time(9), tzinfo=dt.UTC)
    for chunk in _chunks(len(reps), BATCH // CARDS_PER_REP):
        plan = [
            (reps[i], q, c, now - dt.timedelta(days=rng.randint(1, 56)), rng.random() < 0.8)
            for i in chunk
            for q, c in questions
        ]
        cards = _bulk(
            Card,
            (
                Card(
                    person_id=person,
                    question_id=question,
                    state=2,
                    step=None,
                    stability=5.0 if correct else 1.0,
                    difficulty=5.0,
                    due=when + dt.timedelta(days=7 if correct else 1),
                    last_review=when,
                    reviews=1,
                    lapses=0 if correct else 1,
                )
                for person, question, _concept, when, correct in plan
            ),
        )
        _bulk(
            Review,
            (
                Review(
                    card=card,
                    person_id=person,
                    concept_id=concept,
                    team_id=team_of[person],
                    answer="",
                    correct=correct,
                    rating=3 if correct else 1,
                    reviewed_at=when,
                    next_due=card.due,
                )
                for card, (person, _q, concept, when, correct) in zip(cards, plan, strict=True)
            ),
        )
