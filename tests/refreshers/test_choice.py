"""The multiple-choice machinery shared by refreshers and the glossary quiz."""

from __future__ import annotations

from sustain.programs import services as program_services
from sustain.refreshers.choice import glossary_questions, is_correct
from sustain.refreshers.models import Question
from tests.conftest import Cast


def test_it_grades_a_bank_question_by_its_answer_text(question: Question) -> None:
    assert is_correct(question, "The cost of the problem")
    assert is_correct(question, "  The cost of the problem\n")
    assert not is_correct(question, "The budget")
    assert not is_correct(question, "the cost of the problem")


def test_it_asks_each_glossary_term_among_up_to_three_others(cast: Cast) -> None:
    terms = [
        program_services.glossary_term_create(
            concept=cast.concept, term=f"Term {i}", definition=f"Definition {i}"
        )
        for i in range(3)
    ]
    questions = glossary_questions(terms)
    assert [q.term for q in questions] == terms
    for q in questions:
        assert q.prompt == f"What does “{q.term.term}” mean?"
        assert sorted(q.options) == sorted((t.pk, t.definition) for t in terms)
        assert q.choices == [pk for pk, _ in q.options]
        assert is_correct(q, q.term.pk)
        assert not any(is_correct(q, pk) for pk in q.choices if pk != q.term.pk)
    assert glossary_questions(terms) == questions  # seeded: graded as shown


def test_a_lone_glossary_term_has_only_its_own_definition(cast: Cast) -> None:
    term = program_services.glossary_term_create(
        concept=cast.concept, term="Cushion", definition="Acknowledge, don't argue"
    )
    [q] = glossary_questions([term])
    assert q.options == ((term.pk, "Acknowledge, don't argue"),)
