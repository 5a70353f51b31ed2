from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from sustain.certification.models import CertificationPolicy, DiagnosisCase
from sustain.coaching.models import Diagnosis, Score
from sustain.programs.models import Concept
from sustain.refreshers.choice import GlossaryQuestion
from sustain.web.forms import DateInput


class QuizForm(forms.Form):
    def __init__(self, *args: Any, questions: list[GlossaryQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in questions:
            self.fields[f"term_{q.term.pk}"] = forms.TypedChoiceField(
                label=q.prompt,
                coerce=int,
                choices=q.options,
                widget=forms.RadioSelect,
                required=False,
            )

    def answers(self) -> dict[int, int]:
        return {
            int(k.removeprefix("term_")): v
            for k, v in self.cleaned_data.items()
            if v not in (None, "")
        }


class AssessmentForm(forms.Form):
    date = forms.DateField(widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args: Any, concepts: list[Concept], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.concepts = concepts
        for c in concepts:
            # Nothing is preselected: the first choice would score a concept unseen.
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.name}: score",
                coerce=int,
                choices=[("", "— choose a score"), *Score.choices],
                error_messages={"required": f"Score {c.name}."},
            )
        self.fields["notes"] = forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.concepts}


class CaseForm(forms.ModelForm):
    class Meta:
        model = DiagnosisCase
        fields = ["title", "situation", "root_cause", "prescription"]


class CaseAnswerForm(forms.Form):
    root_cause = forms.ChoiceField(label="Root cause", choices=[("", "—"), *Diagnosis.choices])
    prescription = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = CertificationPolicy
        fields = [
            "terminology_pass_pct",
            "role_model_pass",
            "diagnosis_pass_pct",
            "consistency_weeks",
            "consistency_window",
            "consistency_min_coverage",
        ]
