from __future__ import annotations

import pytest

from sustain.programs import services as program_services
from sustain.programs.models import GlossaryTerm
from tests.coaching.conftest import concept2, today, trained  # noqa: F401  (shared fixtures)
from tests.conftest import Cast


@pytest.fixture
def glossary(cast: Cast) -> list[GlossaryTerm]:
    return [
        program_services.glossary_term_create(
            concept=cast.concept, term=f"Term {i}", definition=f"Definition {i}"
        )
        for i in range(5)
    ]
