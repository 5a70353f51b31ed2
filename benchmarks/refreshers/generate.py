"""Data generator for the digest benchmark: one organization, PEOPLE reps, one program with
QUESTIONS questions over 6 concepts, and a card per person and question. Rows are made
by the database (INSERT ... SELECT over a recursive counter), so 6 million cards take
about a minute rather than an hour of Python objects. Deterministic: the same arguments
give the same rows; a card is due today when (person + question) % 4 == 0."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

SLUG = "bench-refreshers"


def generate(*, people: int, questions: int, today: dt.date, keep: bool = False) -> dict:
    from sustain.orgs.models import Organization
    from sustain.programs.models import Concept, Program
    from sustain.refreshers.models import Card, Question

    org = Organization.objects.filter(slug=SLUG).first()
    if org is not None and keep:
        cards = Card.objects.filter(person__organization=org)
        return {"cards": cards.count(), "due": -1}
    if org is not None:
        with connection.cursor() as cur:  # a cascade through the ORM would take minutes
            cur.execute(
                "DELETE FROM refreshers_card WHERE person_id IN "
                "(SELECT id FROM orgs_person WHERE organization_id = %s)",
                [org.pk],
            )
        org.delete()

    due_now = dt.datetime.combine(today, dt.time(6), tzinfo=dt.UTC)
    later = due_now + dt.timedelta(days=9)
    # Raw SQL gets the values in the backend's own datetime format, as the ORM writes them.
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic():
        org = Organization.objects.create(name="Benchmark Co", slug=SLUG)
        program = Program.objects.create(organization=org, name="Bench program")
        concepts = Concept.objects.bulk_create(
            [Concept(program=program, name=f"Concept {i}", position=i) for i in range(6)]
        )
        Question.objects.bulk_create(
            [
                Question(
                    concept=concepts[i % 6],
                    prompt=f"Question {i}?",
                    choices=["a", "b"],
                    answer="a",
                    explanation="Because.",
                )
                for i in range(questions)
            ]
        )
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO orgs_person (password, is_superuser, organization_id, email, name,
                    title, role, external_id, is_active, is_staff, date_joined)
                WITH RECURSIVE seq(n) AS (
                    SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s)
                SELECT '!', %s, %s, 'rep' || n || '@bench.example', 'Rep ' || n, '', 'rep',
                       '', %s, %s, %s
                FROM seq
                """,
                [people, False, org.pk, True, False, adapt(due_now)],
            )
            for q in Question.objects.filter(concept__program=program).values_list("pk", flat=True):
                cur.execute(
                    """
                    INSERT INTO refreshers_card (person_id, question_id, state, step,
                        stability, difficulty, due, reviews, lapses)
                    SELECT p.id, %s, 2, NULL, 5.0, 5.0,
                           CASE WHEN (p.id + %s) %% 4 = 0 THEN %s ELSE %s END, 1, 0
                    FROM orgs_person p WHERE p.organization_id = %s
                    """,
                    [q, q, adapt(due_now), adapt(later), org.pk],
                )
    # What autovacuum does after a bulk load: statistics for the planner, and (PostgreSQL)
    # the visibility map that lets the due counts be read from the index alone.
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE refreshers_card")
            cur.execute("VACUUM ANALYZE orgs_person")
        else:
            cur.execute("ANALYZE")
    cards = Card.objects.filter(question__concept__program=program)
    return {"cards": cards.count(), "due": cards.filter(due__lte=due_now).count()}
