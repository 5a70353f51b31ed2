"""Spaced-repetition refreshers: a question bank per concept, one FSRS card per person and
question (its state in plain columns), and the log of every answer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from sustain.lib.validation import LongTextField
from sustain.orgs.models import Person
from sustain.programs.models import Concept


class QuestionKind(models.TextChoices):
    CHOICE = "choice", "Multiple choice"
    SCENARIO = "scenario", "Short scenario"


class Question(models.Model):
    """Both kinds are answered by picking one of `choices`: a scenario question describes
    a moment on a call and asks for the best next move, so it is graded the same way."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(
        max_length=10, choices=QuestionKind.choices, default=QuestionKind.CHOICE
    )
    prompt = LongTextField()
    choices = models.JSONField(default=list)
    answer = models.CharField(max_length=300, help_text="The correct choice, word for word.")
    explanation = LongTextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["concept__position", "id"]

    def __str__(self) -> str:
        return self.prompt[:80]

    def clean(self) -> None:
        choices = self.choices
        if (
            not isinstance(choices, list)
            or len(choices) < 2
            or not all(isinstance(c, str) and c.strip() for c in choices)
        ):
            raise ValidationError({"choices": "Give at least two non-empty choices."})
        if len(set(choices)) != len(choices):
            raise ValidationError({"choices": "Choices must differ from each other."})
        if self.answer not in choices:
            raise ValidationError({"answer": "The answer must be one of the choices."})


class Card(models.Model):
    """An FSRS card (fsrs.Card) in columns: `state` is fsrs.State (1 learning, 2 review,
    3 relearning); stability and difficulty are empty until the first review."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="refresher_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="cards")
    state = models.PositiveSmallIntegerField(default=1)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "question"], name="card_unique_question")
        ]
        # The digest sweep counts due cards per person: (person, due) answers it from the index.
        indexes = [models.Index(fields=["person", "due"], name="card_person_due")]

    def __str__(self) -> str:
        return f"{self.person} · {self.question}"


class Review(models.Model):
    """One answer. `concept` and `team` are copied so retention over time is one grouped
    query, and stays true to the team the person was on when she answered."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="review_log")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="refresher_reviews")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="reviews")
    team = models.ForeignKey(
        "orgs.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refresher_reviews",
    )
    answer = models.CharField(max_length=300)
    correct = models.BooleanField()
    rating = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField(default=timezone.now)
    next_due = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["concept", "reviewed_at"], name="review_concept_time")]

    def __str__(self) -> str:
        return f"{self.person} {'✓' if self.correct else '✗'} {self.reviewed_at:%Y-%m-%d}"
