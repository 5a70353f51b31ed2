"""Forms of the question bank pages: write a question, import a bank."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from sustain.refreshers.models import Question, QuestionKind
from sustain.web.forms import UploadField

CHOICE_FIELDS = 6


def _length(name: str) -> int | None:
    """A column's length, so the form refuses what the model and the API refuse."""
    field = Question._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.max_length


class QuestionForm(forms.Form):
    """A multiple-choice question as the owner writes it: up to six choices, one marked
    right. `cleaned_data` holds the service's arguments (choices as a list, answer as text)."""

    kind = forms.ChoiceField(choices=QuestionKind.choices, initial=QuestionKind.CHOICE)
    prompt = forms.CharField(
        label="Question",
        max_length=_length("prompt"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A scenario question describes a moment on a call and asks for the best move.",
    )
    correct = forms.TypedChoiceField(
        label="Right answer",
        choices=[(str(i), f"Choice {i}") for i in range(1, CHOICE_FIELDS + 1)],
        coerce=int,
    )
    explanation = forms.CharField(
        max_length=_length("explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown after she answers, right or wrong: why this answer.",
    )

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": question.kind,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "correct": question.choices.index(question.answer) + 1
                if question.answer in question.choices
                else 1,
                **{f"choice_{i}": c for i, c in enumerate(question.choices, start=1)},
            }
        super().__init__(*args, **kwargs)
        # Choices come right after the question, before the right-answer picker.
        ordered = ["kind", "prompt"]
        for i in range(1, CHOICE_FIELDS + 1):
            name = f"choice_{i}"
            self.fields[name] = forms.CharField(
                # A choice may be the answer: as long as the answer column allows.
                label=f"Choice {i}",
                max_length=_length("answer"),
                required=i <= 2,
            )
            ordered.append(name)
        self.order_fields([*ordered, "correct", "explanation"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = [(data.get(f"choice_{i}") or "").strip() for i in range(1, CHOICE_FIELDS + 1)]
        correct = data.get("correct")
        if correct and not texts[correct - 1]:
            self.add_error("correct", f"Choice {correct} is empty.")
        choices = [t for t in texts if t]
        if len(set(choices)) != len(choices):
            self.add_error(None, "Two choices are the same; make each one different.")
        if not self.errors:
            assert correct is not None  # a required field: no errors, so it is set
            data["choices"] = choices
            data["answer"] = texts[correct - 1]
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("kind", "prompt", "choices", "answer", "explanation")}


class BankImportForm(forms.Form):
    file = UploadField(
        label="Question bank (CSV or XLSX)",
        help_text="One question per row; download the template for the columns.",
    )
