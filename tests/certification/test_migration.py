"""Answers given before attempts existed are sorted into attempts by the migration: the
k-th answer to a case goes into attempt k, and an attempt holding every case is complete."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import Cast

BEFORE = [("certification", "0001_initial")]
AFTER = [("certification", "0002_diagnosis_attempts")]


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    """Leaves the database at the latest migrations for the tests that follow."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_sorts_earlier_answers_into_attempts(cast: Cast, executor: MigrationExecutor) -> None:
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Case = old.get_model("certification", "DiagnosisCase")
    Answer = old.get_model("certification", "DiagnosisAnswer")
    cases = [
        Case.objects.create(
            program_id=cast.program.pk, title=t, situation="s", root_cause="will", prescription="p"
        )
        for t in ("A", "B")
    ]
    for case, cause in ((cases[0], "skill"), (cases[1], "will"), (cases[0], "will")):
        Answer.objects.create(
            case=case,
            manager_id=cast.manager.pk,
            root_cause=cause,
            prescription="p",
            correct=cause == "will",
        )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Attempt = new.get_model("certification", "DiagnosisAttempt")
    attempts = {a.number: a for a in Attempt.objects.all()}
    assert set(attempts) == {1, 2}
    assert attempts[1].completed_at is not None and attempts[2].completed_at is None
    Answer = new.get_model("certification", "DiagnosisAnswer")
    assert Answer.objects.filter(attempt__isnull=True).count() == 0
    assert Answer.objects.filter(attempt=attempts[2]).get().case_id == cases[0].pk
