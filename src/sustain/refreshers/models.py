"""Spaced-repetition refreshers: a question bank per concept, one FSRS card per person and
question (its state in plain columns), and the log of every answer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from sustain.lib.validation import LongTextField
from sustain.orgs.models import Person
from sustain.programs.models import Concept, Program


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
        # Answers of a program in a time range, read from the index alone: the current
        # week's retention (by concept and team, with distinct people) and the fade.
        indexes = [
            models.Index(
                fields=["concept", "reviewed_at", "team", "person", "correct"],
                name="review_concept_time_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {'✓' if self.correct else '✗'} {self.reviewed_at:%Y-%m-%d}"


class RetentionStore(models.Model):
    """How far a program's refresher totals (`RetentionTotal`) go, so that retention, the
    lowest teams and the fade never group every answer per request.

    Complete weeks (before `through`, a Monday in `time_zone`) never change once over: the
    daily sweep counts each once, and a check that they still add up to the answers
    rebuilds them if not. The weeks from `through` on (the current one) are counted by
    each answer in its own transaction (`F()` increments, `retention_totals_add`), and
    `tallied` says what they then hold; a read trusts them only while the answers still
    match it, and otherwise counts those weeks live (on the `(concept, reviewed_at, ...)`
    index), so the figures stay exact whoever writes answers: the service, the demo's bulk
    inserts, a test, a deletion. Why not increments alone: then one write that bypasses
    the service makes the figures wrong for good. Why not the store without increments: the
    current week alone is tens of thousands of answers at 100,000 reps, too much to group
    per request. What changes a stored week lowers `through` (an answer dated in the past,
    a question deleted with its answers). See docs/plans-and-refreshers.md."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="retention_store"
    )
    through = models.DateField(null=True, blank=True)
    # Weeks and days are those of this time zone; stored under another, they are not used.
    time_zone = models.CharField(max_length=64, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # [answers, answers without a team, last answer id] counted into the rows from
    # `through` on, by the refresh and then by each answer (`retention_totals_add`). While
    # the answers from `through` on still match it, those rows are the whole truth and
    # nothing is counted live; an answer written another way (a bulk insert, a deletion)
    # breaks the match, and the live count takes over until the next refresh. None: not
    # tallied.
    tallied = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.program} through {self.through}"


class RetentionTotal(models.Model):
    """One stored bucket of answers: per week and concept (`by="concept"`), per week and
    team (`by="team"`, team empty for "No team") or per day (`by="day"`, for the fade).
    `people` is the distinct people who answered in the bucket (the minimum group size is
    about people); `newcomers` (team rows) those whose first answer with that team in the
    program falls in the bucket, so their sum over weeks is the team's distinct people."""

    class By(models.TextChoices):
        CONCEPT = "concept"
        TEAM = "team"
        DAY = "day"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    by = models.CharField(max_length=10, choices=By.choices)
    period = models.DateField(help_text="The Monday of the week, or the day.")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, null=True, related_name="+")
    team = models.ForeignKey("orgs.Team", on_delete=models.CASCADE, null=True, related_name="+")
    answers = models.PositiveIntegerField()
    correct = models.PositiveIntegerField()
    people = models.PositiveIntegerField()
    newcomers = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["program", "by", "period"], name="retention_total_period"),
            models.Index(fields=["program", "by", "team"], name="retention_total_team"),
        ]

    def __str__(self) -> str:
        return f"{self.by} {self.period}: {self.correct}/{self.answers}"
