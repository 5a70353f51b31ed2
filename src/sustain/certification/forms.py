from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from sustain.certification.models import (
    CertificationPolicy,
    DiagnosisAnswer,
    DiagnosisCase,
    RoleModelAssessment,
)
from sustain.coaching.models import Diagnosis, Score
from sustain.programs.models import Concept
from sustain.refreshers.choice import GlossaryQuestion
from sustain.web.formfields import choice_field
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


NOT_OBSERVED = "not_observed"


def _score_or_none(value: str) -> int | None:
    return None if value == NOT_OBSERVED else int(value)


class AssessmentForm(forms.ModelForm[RoleModelAssessment]):
    class Meta:
        model = RoleModelAssessment
        fields = ["date", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, concepts: list[Concept], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.concepts = concepts
        for c in concepts:
            # Nothing is preselected: the first choice would score a concept unseen. "Not
            # observed" is a choice of its own, stored as no score.
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.name}: score",
                coerce=_score_or_none,
                choices=[
                    ("", "— choose a score"),
                    *Score.choices,
                    (NOT_OBSERVED, "Not observed in this role-play"),
                ],
                error_messages={"required": f"Score {c.name}, or mark it not observed."},
            )
        self.order_fields(["date", *(f"score_{c.pk}" for c in concepts), "notes"])

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.concepts}


class CaseForm(forms.ModelForm[DiagnosisCase]):
    class Meta:
        model = DiagnosisCase
        fields = ["title", "situation", "root_cause", "prescription"]


class CaseAnswerForm(forms.ModelForm[DiagnosisAnswer]):
    class Meta:
        model = DiagnosisAnswer
        fields = ["root_cause", "prescription"]
        labels = {"root_cause": "Root cause"}
        widgets = {"prescription": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "root_cause").choices = [("", "—"), *Diagnosis.choices]
        # As in the API, the prescription may be left out (it is then "").
        self.fields["prescription"].required = False


class PolicyForm(forms.ModelForm[CertificationPolicy]):
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
