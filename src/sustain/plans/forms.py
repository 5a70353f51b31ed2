from __future__ import annotations

from typing import Any

from django import forms

from sustain.orgs import access
from sustain.orgs.models import Person, Team
from sustain.plans.models import CheckIn, Plan, PlanItem
from sustain.web.formfields import LookupChoiceField, LookupSelect, model_choice_field
from sustain.web.forms import DateInput

RATINGS = [(i, str(i)) for i in range(1, 6)]


class CheckInForm(forms.ModelForm[CheckIn]):
    # Nothing is preselected: a default of 1 would record a rating nobody gave.
    rating = forms.TypedChoiceField(
        label="How well I practise the current concept (1 to 5)",
        choices=[("", "— choose 1 to 5"), *RATINGS],
        coerce=int,
        error_messages={"required": "Choose how well you practised, from 1 to 5."},
    )

    class Meta:
        model = CheckIn
        fields = ["applied", "struggled", "rating"]
        labels = {"applied": "What I applied this week", "struggled": "Where I struggled"}
        widgets = {
            "applied": forms.Textarea(attrs={"rows": 2}),
            "struggled": forms.Textarea(attrs={"rows": 2}),
        }


class RestartForm(forms.ModelForm[Plan]):
    # The plan's `restart_note`, which a restart must give.
    note = forms.CharField(
        label="Why (the rep reads this)",
        max_length=Plan._meta.get_field("restart_note").max_length,
    )

    class Meta:
        model = Plan
        fields = ["start"]
        labels = {"start": "New first day"}
        widgets = {"start": DateInput()}


class ItemForm(forms.ModelForm[PlanItem]):
    class Meta:
        model = PlanItem
        fields = ["text", "due"]
        labels = {"text": "Item", "due": "Due"}
        widgets = {"due": DateInput()}


class TeamPickForm(forms.Form):
    """The team page's "show this team" (GET): among the teams the viewer sees, which may
    be a whole organization's thousands, so a typed name past LOOKUP_LIMIT."""

    team = LookupChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        widget=LookupSelect(attrs={"aria-label": "Team"}),
    )

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "team").queryset = access.teams_visible_to(viewer)
