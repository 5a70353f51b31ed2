from __future__ import annotations

import datetime as dt

import pytest

from sustain.coaching import services as coaching_services
from sustain.programs import services as program_services
from sustain.programs.models import Concept
from tests.conftest import Cast

TRAINED = dt.date(2026, 9, 1)


def vtt(*cues: tuple[str, str]) -> bytes:
    lines = ["WEBVTT", ""]
    for n, (speaker, text) in enumerate(cues):
        lines += [
            f"{n + 1}",
            f"00:{n:02d}:05.000 --> 00:{n:02d}:09.000",
            f"<v {speaker}>{text}</v>",
            "",
        ]
    return "\n".join(lines).encode()


# Rita asks open discovery questions; the buyer talks about budgets.
GOOD_CALL = vtt(
    ("Rita Rep", "Thanks for making the time today."),
    ("Bob Buyer", "Sure, we have about thirty minutes."),
    (
        "Rita Rep",
        "Before I show anything, what is the biggest challenge your team faces with "
        "forecasting right now, and how does it affect your quarter?",
    ),
    ("Bob Buyer", "Honestly the numbers are never right."),
)
# The buyer uses the concept's words; the rep only pitches.
BUYER_ONLY_CALL = vtt(
    ("Rita Rep", "Our product has fifty integrations and a great price."),
    (
        "Bob Buyer",
        "What is the biggest challenge for your team, and how does it affect your "
        "quarter? That is the question I ask my own vendors.",
    ),
    ("Rita Rep", "Let me send you the price sheet."),
)


@pytest.fixture
def discovery(cast: Cast) -> Concept:
    concept = cast.concept
    concept.description = (
        "Ask open questions about the buyer's challenges and their impact before pitching."
    )
    concept.save(update_fields=["description"])
    program_services.glossary_term_create(
        concept=concept,
        term="Open question",
        definition="A question the buyer cannot answer with yes or no: what, how, why.",
    )
    coaching_services.rubric_behaviour_create(
        concept=concept,
        name="Asks about the biggest challenge and its impact",
        level_1="Pitches without asking",
        level_2="Asks closed questions",
        level_3="Asks what the challenge is and how it affects the business",
        level_4="Quantifies the impact of the challenge with the buyer",
    )
    program_services.concept_create(
        program=cast.program,
        name="Closing",
        description="Ask for a concrete next step with a date: a trial, a signature, a meeting.",
    )
    cast.rep.enrollments.filter(program=cast.program).update(trained_on=TRAINED)
    return concept
