from __future__ import annotations

import datetime as dt

import pytest

from sustain.refreshers import services
from sustain.refreshers.models import Question
from tests.conftest import Cast

TRAINED_ON = dt.date.today() - dt.timedelta(days=10)


@pytest.fixture
def question(cast: Cast) -> Question:
    cast.program.enrollments.update(trained_on=TRAINED_ON)
    return services.question_create(
        concept=cast.concept,
        prompt="What does an impact question ask?",
        choices=["The cost of the problem", "The budget", "The decision maker"],
        answer="The cost of the problem",
        explanation="Impact questions put a number on the problem, in the buyer's words.",
    )
