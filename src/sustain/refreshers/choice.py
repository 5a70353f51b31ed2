"""Multiple-choice questions, wherever they come from: the refresher bank (`Question`)
and questions generated from a program's glossary (the certification terminology quiz).
A question has a `prompt`, the `choices` shown and the one right `answer`; an answer is
graded the same way for both."""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sustain.programs.models import GlossaryTerm

GLOSSARY_DISTRACTORS = 3


class MultipleChoice(Protocol):
    @property
    def answer(self) -> Hashable: ...


def shuffled(choices: Sequence[str]) -> list[str]:
    """The choices in a fresh order for each showing, so the right one has no fixed place.
    Grading compares the chosen text, so the order shown never matters to the grade."""
    return random.SystemRandom().sample(list(choices), len(choices))


def is_correct(question: MultipleChoice, chosen: Hashable) -> bool:
    """Strings are compared without surrounding blanks, as a form may send them."""
    if isinstance(chosen, str):
        chosen = chosen.strip()
    return chosen == question.answer


@dataclass(frozen=True, slots=True)
class GlossaryQuestion:
    """Pick the definition of `term`. A choice is the id of the term whose definition it
    is, so two terms defined alike still grade as different choices."""

    term: GlossaryTerm
    options: tuple[tuple[int, str], ...]  # (term id, definition), in the order shown

    @property
    def prompt(self) -> str:
        return f"What does “{self.term.term}” mean?"

    @property
    def choices(self) -> list[int]:
        return [pk for pk, _ in self.options]

    @property
    def answer(self) -> int:
        return self.term.pk


def glossary_questions(terms: Sequence[GlossaryTerm]) -> list[GlossaryQuestion]:
    """One question per term: its definition among up to three others from `terms`.
    Seeded by the term's id, so the quiz graded is the quiz that was shown."""
    questions = []
    for term in terms:
        rng = random.Random(term.pk)
        others = [t for t in terms if t.pk != term.pk]
        options = [term, *rng.sample(others, min(GLOSSARY_DISTRACTORS, len(others)))]
        rng.shuffle(options)
        questions.append(
            GlossaryQuestion(term=term, options=tuple((o.pk, o.definition) for o in options))
        )
    return questions
