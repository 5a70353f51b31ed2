"""Scheduling follows what fsrs documents: Scheduler.review_card(card, rating, when)
returns the updated card whose `due` is the next review; Good lengthens the interval,
Again shortens it; with no learning steps every interval is whole days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from sustain.refreshers import services
from sustain.refreshers.models import Card, Question, Review
from tests.conftest import Cast
from tests.refreshers.conftest import TRAINED_ON

NOW = dt.datetime.combine(dt.date.today(), dt.time(9), tzinfo=dt.UTC)


def _card(cast: Cast, question: Question) -> Card:
    return Card.objects.get(person=cast.rep, question=question)


def test_it_gives_every_trained_participant_a_card_due_after_the_workshop(
    cast: Cast, question: Question
) -> None:
    people = set(Card.objects.values_list("person", flat=True))
    assert people == {cast.rep.pk, cast.other_rep.pk, cast.manager.pk}
    assert _card(cast, question).due == services.day_start(TRAINED_ON + dt.timedelta(days=1))


def test_a_correct_answer_is_good_and_matches_fsrs(cast: Cast, question: Question) -> None:
    card = _card(cast, question)
    expected, _ = Scheduler(
        learning_steps=(), relearning_steps=(), enable_fuzzing=False
    ).review_card(services.to_fsrs(card), Rating.Good, NOW)
    review = services.refresher_answer(
        person=cast.rep, card=card, answer="The cost of the problem", now=NOW
    )
    card.refresh_from_db()
    assert review.correct and review.rating == Rating.Good
    assert card.due == expected.due and card.stability == pytest.approx(expected.stability)
    assert card.due - NOW == dt.timedelta(days=2)  # default FSRS-6 weights, new card, Good


def test_a_wrong_answer_is_again_and_comes_back_sooner(cast: Cast, question: Question) -> None:
    right = _card(cast, question)
    services.refresher_answer(
        person=cast.rep, card=right, answer="The cost of the problem", now=NOW
    )
    wrong = Card.objects.get(person=cast.other_rep, question=question)
    review = services.refresher_answer(
        person=cast.other_rep, card=wrong, answer="The budget", now=NOW
    )
    right.refresh_from_db()
    wrong.refresh_from_db()
    assert not review.correct and review.rating == Rating.Again
    assert wrong.due < right.due
    assert wrong.due - NOW == dt.timedelta(days=1)


def test_intervals_grow_with_each_good_answer_as_fsrs_documents(
    cast: Cast, question: Question
) -> None:
    card, now, intervals = _card(cast, question), NOW, []
    reference = FsrsCard(card_id=1, due=NOW)
    scheduler = services.scheduler_for(cast.program.pk)  # FSRS with the 60-day cap
    for _ in range(4):
        services.refresher_answer(
            person=cast.rep, card=card, answer="The cost of the problem", now=now
        )
        card.refresh_from_db()
        reference, _ = scheduler.review_card(reference, Rating.Good, now)
        assert card.due == reference.due
        intervals.append((card.due - now).days)
        now = card.due
    assert intervals == sorted(intervals) and intervals[-1] > intervals[0]


def test_it_refuses_an_answer_to_a_question_not_due(cast: Cast, question: Question) -> None:
    card = _card(cast, question)
    services.refresher_answer(person=cast.rep, card=card, answer="The budget", now=NOW)
    card.refresh_from_db()
    before = (card.due, card.stability, card.reviews)
    with pytest.raises(ValidationError):
        services.refresher_answer(person=cast.rep, card=card, answer="The budget", now=NOW)
    card.refresh_from_db()
    assert (card.due, card.stability, card.reviews) == before
    assert Review.objects.count() == 1


def test_it_counts_a_lapse_on_a_forgotten_review(cast: Cast, question: Question) -> None:
    card = _card(cast, question)
    services.refresher_answer(person=cast.rep, card=card, answer="The cost of the problem", now=NOW)
    card.refresh_from_db()
    services.refresher_answer(person=cast.rep, card=card, answer="The budget", now=card.due)
    card.refresh_from_db()
    assert card.lapses == 1 and card.reviews == 2
