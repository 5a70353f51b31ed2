"""Fills the configured database with one organization of REPS trained reps (10 per team,
100 teams per region) and their follow-through history: coaching observations with rubric
scores, 90-day plans with weekly check-ins, refresher answers, pulse answers and manager
certifications. Run by run.py; usable alone with DJANGO_SETTINGS_MODULE and DATABASE_URL."""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import transaction

BATCH = 20_000


def generate(*, reps: int, today: dt.date, seed: int = 14) -> dict[str, int]:
    from django.contrib.auth.hashers import make_password

    from sustain.certification.models import Certification
    from sustain.coaching.models import Observation, ObservationScore
    from sustain.orgs.models import Organization, Person, Region, Role, Team
    from sustain.plans.models import CheckIn, Plan
    from sustain.programs.models import Concept, Enrollment, Program, ProgramStatus
    from sustain.readiness.models import Acknowledgement
    from sustain.refreshers.models import Card, Question, Review

    rng = random.Random(seed)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    pw = make_password(None)
    with transaction.atomic():
        org = Organization.objects.create(name="Bench", slug=f"bench-{seed}-{reps}")
        owner = Person.objects.create(
            organization=org,
            email=f"owner@{org.slug}.example",
            name="Owner",
            role=Role.OWNER,
            password=pw,
        )
        program = Program.objects.create(
            organization=org, name="Bench program", owner=owner, status=ProgramStatus.SUSTAINING
        )
        concepts = Concept.objects.bulk_create(
            [Concept(program=program, name=f"Concept {i}", position=i) for i in range(4)]
        )
        questions = Question.objects.bulk_create(
            [
                Question(
                    concept=c, prompt=f"Q {c.pk}", choices=["a", "b"], answer="a", explanation="x"
                )
                for c in concepts
            ]
        )
        n_teams = max(1, reps // 10)
        regions = Region.objects.bulk_create(
            [Region(organization=org, name=f"Region {i}") for i in range(max(1, n_teams // 100))]
        )
        managers = Person.objects.bulk_create(
            [
                Person(
                    organization=org,
                    email=f"m{i}@{org.slug}.example",
                    name=f"Manager {i}",
                    role=Role.MANAGER,
                    password=pw,
                )
                for i in range(n_teams)
            ],
            batch_size=BATCH,
        )
        teams = Team.objects.bulk_create(
            [
                Team(
                    organization=org, name=f"Team {i}", manager=m, region=regions[i % len(regions)]
                )
                for i, m in enumerate(managers)
            ],
            batch_size=BATCH,
        )
        people = Person.objects.bulk_create(
            [
                Person(
                    organization=org,
                    email=f"r{i}@{org.slug}.example",
                    name=f"Rep {i}",
                    role=Role.REP,
                    team=teams[i % n_teams],
                    password=pw,
                )
                for i in range(reps)
            ],
            batch_size=BATCH,
        )
    trained: dict[int, dt.date] = {}
    coaching_teams = {t.pk for t in teams if rng.random() < 0.7}
    rows: dict[str, list] = {k: [] for k in ("enr", "obs", "plan", "ack", "card")}
    for p in people:
        trained[p.pk] = today - dt.timedelta(days=rng.randint(20, 170))
        rows["enr"].append(Enrollment(program=program, person=p, trained_on=trained[p.pk]))
        if rng.random() < 0.5:
            rows["ack"].append(Acknowledgement(program=program, rep=p, pulse=rng.randint(1, 5)))
        for q in questions[:2]:
            rows["card"].append(Card(person=p, question=q, due=dt.datetime.now(dt.UTC)))
    with transaction.atomic():
        Enrollment.objects.bulk_create(rows["enr"], batch_size=BATCH)
        Acknowledgement.objects.bulk_create(rows["ack"], batch_size=BATCH)
        cards = Card.objects.bulk_create(rows["card"], batch_size=BATCH)
        enrollments = dict(
            Enrollment.objects.filter(program=program).values_list("person_id", "pk")
        )
        plans = Plan.objects.bulk_create(
            [
                Plan(
                    enrollment_id=enrollments[p.pk],
                    program=program,
                    rep=p,
                    start=trained[p.pk],
                    committed_at=None
                    if rng.random() < 0.2
                    else dt.datetime.combine(trained[p.pk], dt.time(9), tzinfo=dt.UTC),
                )
                for p in people
            ],
            batch_size=BATCH,
        )
    # Coached teams: an observation every 2-4 weeks; the others stop after week 4.
    for p in people:
        weeks = (today - trained[p.pk]).days // 7
        step = rng.randint(2, 4)
        stop = weeks if p.team_id in coaching_teams else min(weeks, 4)
        for w in range(1, stop + 1, step):
            rows["obs"].append(
                Observation(
                    organization=org,
                    program=program,
                    rep=p,
                    observer_id=teams[(p.pk) % n_teams].manager_id,
                    date=trained[p.pk] + dt.timedelta(weeks=w),
                    channel="field",
                    diagnosis="skill",
                )
            )
    with transaction.atomic():
        observations = Observation.objects.bulk_create(rows["obs"], batch_size=BATCH)
        ObservationScore.objects.bulk_create(
            [
                ObservationScore(observation=o, concept=concepts[i % 4], score=rng.randint(1, 4))
                for i, o in enumerate(observations)
            ],
            batch_size=BATCH,
        )
        checkins = []
        for plan in plans:
            last = min(today, plan.start + dt.timedelta(days=90))
            keep = rng.random()
            week = plan.start - dt.timedelta(days=plan.start.weekday())
            while week <= last and (week - plan.start).days < 90 * keep:
                checkins.append(CheckIn(plan=plan, week=week, rating=rng.randint(1, 5)))
                week += dt.timedelta(weeks=1)
        CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
        reviews = []
        concept_of = {q.pk: q.concept_id for q in questions}
        for card in cards:
            for d in range(0, 60, rng.choice([7, 14, 30, 60])):
                at = dt.datetime.combine(today - dt.timedelta(days=d), dt.time(10), tzinfo=dt.UTC)
                reviews.append(
                    Review(
                        card=card,
                        person_id=card.person_id,
                        concept_id=concept_of[card.question_id],
                        answer="a",
                        correct=rng.random() < 0.8,
                        rating=3,
                        reviewed_at=at,
                        next_due=at,
                    )
                )
        Review.objects.bulk_create(reviews, batch_size=BATCH)
        Certification.objects.bulk_create(
            [
                Certification(
                    program=program, manager=m, certified_on=today - dt.timedelta(days=30)
                )
                for m in managers[::3]
            ],
            batch_size=BATCH,
        )
    counts = {
        "reps": reps,
        "teams": n_teams,
        "regions": len(regions),
        "observations": len(observations),
        "check_ins": len(checkins),
        "reviews": len(reviews),
        "program_id": program.pk,
    }
    counts["seconds"] = round(time.perf_counter() - started)
    return counts
