"""The run form of the analysis page: the same choices as the API's `RunIn`."""

from __future__ import annotations

from typing import Any

from django import forms

from sustain.analysis import services
from sustain.analysis.models import BasePeriod, Cluster, Control, Sensitivity
from sustain.web.formfields import choice_field


class RunForm(forms.Form):
    by = forms.ChoiceField(required=False, label="Split trained reps by")
    control = forms.ChoiceField(
        choices=Control.choices, initial=Control.NEVER, label="Comparison group"
    )
    covariates = forms.MultipleChoiceField(
        required=False,
        label="Compare reps alike in",
        widget=forms.CheckboxSelectMultiple,
        help_text="Rep attributes the sales trend may depend on (conditional parallel trends).",
    )
    cluster = forms.ChoiceField(
        required=False, choices=Cluster.choices, initial=Cluster.TEAM, label="Shared shocks within"
    )
    anticipation = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=services.MAX_ANTICIPATION,
        initial=0,
        label="Reps react periods before training",
    )
    base_period = forms.ChoiceField(
        required=False,
        choices=BasePeriod.choices,
        # Universal by default on the page, so the recommended sensitivity below runs.
        initial=BasePeriod.UNIVERSAL,
        label="Pre-periods compared with",
    )
    sensitivity = forms.ChoiceField(
        required=False,
        choices=Sensitivity.choices,
        initial=Sensitivity.RM,
        label="Robustness to pre-trends",
        help_text="How far parallel trends may fail before the effect is in doubt (HonestDiD). "
        "It measures every effect from the last period before training, so it runs only when "
        "pre-periods are compared with that period (universal).",
    )

    def __init__(self, *args: Any, attributes: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        choice_field(self, "by").choices = [("", "No split"), *attributes]
        choice_field(self, "covariates").choices = attributes
