from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone

from sustain.coaching.models import (
    Channel,
    CoachingPolicy,
    DevelopmentAction,
    Diagnosis,
    Observation,
    ObservationScore,
    RubricBehaviour,
    Score,
)
from sustain.programs.models import Concept
from sustain.web.formfields import choice_field
from sustain.web.forms import DateInput

ACTION_ROWS = 3


def _formfield(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    """A column's form field, with its limits (as in the API's schemas)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    formfield = field.formfield(**kwargs)
    assert formfield is not None
    return formfield


class ObservationForm(forms.ModelForm[Observation]):
    """Scores are optional per concept (a call rarely shows all of them); at least one is
    required, which the service checks so page and API say the same thing."""

    class Meta:
        model = Observation
        fields = ["date", "channel", "diagnosis", "summary", "private_note"]
        labels = {
            "diagnosis": "Diagnosis (root cause of the gap)",
            "summary": "Summary for the rep",
            "private_note": "Private note (never shown to the rep)",
        }
        help_texts = {f: "" for f in fields}
        widgets = {
            "date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "private_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, concepts: list[Concept], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        choice_field(self, "channel").choices = Channel.choices
        choice_field(self, "diagnosis").choices = [("", "—"), *Diagnosis.choices]
        self.concepts = concepts
        order = ["date", "channel"]
        for c in concepts:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.name}: score",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "— not observed this time (no score)"), *Score.choices],
            )
            self.fields[f"evidence_{c.pk}"] = _formfield(
                ObservationScore,
                "evidence",
                label=f"{c.name}: evidence",
                required=False,
                help_text="",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            order += [f"score_{c.pk}", f"evidence_{c.pk}"]
        order += ["diagnosis", "summary"]
        for i in range(1, ACTION_ROWS + 1):
            self.fields[f"action_text_{i}"] = _formfield(
                DevelopmentAction, "text", label=f"Development action {i}", required=False
            )
            self.fields[f"action_due_{i}"] = forms.DateField(
                label=f"Action {i} due", required=False, widget=DateInput
            )
            order += [f"action_text_{i}", f"action_due_{i}"]
        self.order_fields([*order, "private_note"])

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        scores = [
            {"concept": c, "score": d[f"score_{c.pk}"], "evidence": d[f"evidence_{c.pk}"]}
            for c in self.concepts
            if d.get(f"score_{c.pk}") is not None
        ]
        actions: list[dict[str, str | dt.date | None]] = [
            {"text": d[f"action_text_{i}"], "due": d[f"action_due_{i}"]}
            for i in range(1, ACTION_ROWS + 1)
            if d.get(f"action_text_{i}") or d.get(f"action_due_{i}")
        ]
        return {
            "date": d["date"],
            "channel": d["channel"],
            "diagnosis": d["diagnosis"],
            "summary": d["summary"],
            "private_note": d["private_note"],
            "scores": scores,
            "actions": actions,
        }


class BehaviourForm(forms.ModelForm[RubricBehaviour]):
    class Meta:
        model = RubricBehaviour
        fields = ["name", "level_1", "level_2", "level_3", "level_4"]


class PolicyForm(forms.ModelForm[CoachingPolicy]):
    class Meta:
        model = CoachingPolicy
        fields = ["intensive_days", "intensive_per_month", "steady_per_month"]
