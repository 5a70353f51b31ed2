"""The demo's question bank does not give the answer away by its position."""

from __future__ import annotations

from sustain.refreshers.demo import QUESTIONS, stored_choices


def test_it_stores_the_right_choice_in_varying_places() -> None:
    places = {
        stored_choices(prompt, choices).index(answer)
        for rows in QUESTIONS.values()
        for _kind, prompt, choices, answer, _explanation in rows
    }
    assert len(places) > 1
    assert stored_choices("p", ["a", "b", "c"]) == stored_choices("p", ["a", "b", "c"])
