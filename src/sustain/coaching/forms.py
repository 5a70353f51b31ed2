from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from sustain.coaching.models import Channel, CoachingPolicy, Diagnosis, RubricBehaviour, Score
from sustain.programs.models import Concept
from sustain.web.forms import DateInput

ACTION_ROWS = 3


class ObservationForm(forms.Form):
    """Scores are optional per concept (a call rarely shows all of them); at least one is
    required, which the service checks so page and API say the same thing."""

    date = forms.DateField(widget=DateInput, initial=timezone.localdate)
    channel = forms.ChoiceField(choices=Channel.choices)

    def __init__(self, *args: Any, concepts: list[Concept], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.concepts = concepts
        for c in concepts:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.name}: score",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "— not observed this time (no score)"), *Score.choices],
            )
            self.fields[f"evidence_{c.pk}"] = forms.CharField(
                label=f"{c.name}: evidence",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["diagnosis"] = forms.ChoiceField(
            label="Diagnosis (root cause of the gap)", choices=[("", "—"), *Diagnosis.choices]
        )
        self.fields["summary"] = forms.CharField(
            label="Summary for the rep", required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        for i in range(1, ACTION_ROWS + 1):
            self.fields[f"action_text_{i}"] = forms.CharField(
                label=f"Development action {i}", required=False, max_length=500
            )
            self.fields[f"action_due_{i}"] = forms.DateField(
                label=f"Action {i} due", required=False, widget=DateInput
            )
        self.fields["private_note"] = forms.CharField(
            label="Private note (never shown to the rep)",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

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
