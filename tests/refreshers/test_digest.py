from __future__ import annotations

import datetime as dt

from django.conf import settings
from pytest_django import DjangoAssertNumQueries

from sustain.notify.models import OutboxMessage
from sustain.orgs.models import Person, Role
from sustain.refreshers import services
from sustain.refreshers.models import Card, Question
from tests.conftest import Cast, make_person


def test_it_sends_one_digest_per_person_with_due_refreshers(cast: Cast, question: Question) -> None:
    today = dt.date.today()
    services.refreshers_send_digests(today=today)
    services.refreshers_send_digests(today=today)  # a second run the same day: no duplicate
    recipients = OutboxMessage.objects.filter(kind="refresher_digest").values_list(
        "recipient", flat=True
    )
    assert sorted(recipients) == sorted([cast.rep.pk, cast.other_rep.pk, cast.manager.pk])


def test_it_sends_nothing_when_nothing_is_due(cast: Cast, question: Question) -> None:
    Card.objects.update(due=services.day_start(dt.date.today() + dt.timedelta(days=3)))
    assert services.refreshers_send_digests()["digests"] == 0
    assert not OutboxMessage.objects.exists()


def test_the_sweep_costs_a_fixed_number_of_queries_per_batch(
    cast: Cast, question: Question, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    today = dt.date.today()
    for i in range(4):
        make_person(cast.org, f"Extra Rep{i}", Role.REP)
    people = Person.objects.filter(organization__isnull=False)
    Card.objects.bulk_create(
        [Card(person=p, question=question, due=services.day_start(today)) for p in people],
        ignore_conflicts=True,
    )
    n = people.count()
    # Per batch: savepoint, the people, their due counts, their notification preferences,
    # one insert, release; the last, empty batch: savepoint, the people, release. Whatever
    # the batch size.
    for batch_size in (2, 5, n):
        batches = -(-n // batch_size)
        with django_assert_num_queries(6 * batches + 3):
            services.refreshers_send_digests(today=today, batch_size=batch_size)
    assert OutboxMessage.objects.filter(kind="refresher_digest").count() == n


def test_the_daily_sweep_creates_cards_for_the_newly_trained(
    cast: Cast, question: Question
) -> None:
    newbie = make_person(cast.org, "New Rep", Role.REP)
    cast.program.enrollments.create(person=newbie, role=Role.REP, trained_on=dt.date.today())
    result = services.refreshers_daily()
    assert result["synced"] == 1
    assert Card.objects.filter(person=newbie).count() == 1


def test_it_links_the_digest_absolutely(cast: Cast, question: Question) -> None:
    # A mail has no host to be relative to: the link is on SUSTAIN_BASE_URL.
    services.refreshers_send_digests(today=dt.date.today())
    message = OutboxMessage.objects.filter(kind="refresher_digest").first()
    assert message is not None
    assert f"{settings.SUSTAIN_BASE_URL}/refreshers/" in message.body
    assert settings.SUSTAIN_BASE_URL.startswith("http")
