"""Queueing many messages at once: one insert, deduplicated, one delivery task."""

from __future__ import annotations

import pytest
from django.db import transaction
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from sustain.notify.models import OutboxMessage, OutboxStatus
from sustain.notify.services import OutboxDraft, outbox_enqueue, outbox_enqueue_many
from tests.conftest import Cast


def _drafts(cast: Cast, day: str) -> list[OutboxDraft]:
    return [
        OutboxDraft.for_person(
            p, subject=f"Hi {p.name}", body="b", kind="test", dedupe_key=f"test-{p.pk}-{day}"
        )
        for p in (cast.rep, cast.other_rep, cast.manager)
    ]


def test_it_queues_every_message_with_one_insert(
    cast: Cast,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # One read of the recipients' preferences, one INSERT.
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(2):
        assert outbox_enqueue_many(messages=_drafts(cast, "mon")) == 3
    assert len(callbacks) == 1  # one delivery task, not one per message
    rows = OutboxMessage.objects.filter(kind="test")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [cast.rep.pk, cast.other_rep.pk, cast.manager.pk]
    )
    assert {(m.to, m.organization_id, m.status) for m in rows if m.recipient == cast.rep} == {
        (cast.rep.email, cast.org.pk, OutboxStatus.PENDING)
    }


def test_it_skips_messages_whose_dedupe_key_is_queued(cast: Cast) -> None:
    outbox_enqueue(
        recipient=cast.rep, subject="First", body="b", dedupe_key=f"test-{cast.rep.pk}-mon"
    )
    outbox_enqueue_many(messages=_drafts(cast, "mon"))
    outbox_enqueue_many(messages=_drafts(cast, "mon"))
    assert OutboxMessage.objects.count() == 3
    assert OutboxMessage.objects.get(recipient=cast.rep).subject == "First"
    outbox_enqueue_many(messages=_drafts(cast, "tue"))
    assert OutboxMessage.objects.count() == 6


def test_it_does_nothing_for_no_messages(
    db: None,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(0):
        assert outbox_enqueue_many(messages=[]) == 0
    assert callbacks == []


def test_it_queues_nothing_when_the_change_rolls_back(cast: Cast) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue_many(messages=_drafts(cast, "mon"))
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
