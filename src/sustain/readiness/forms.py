from __future__ import annotations

from typing import Any

from django import forms

from sustain.orgs import access
from sustain.orgs.models import Person, Region, Role, Team
from sustain.programs.models import Program
from sustain.readiness.models import (
    Expectation,
    Factor,
    Goal,
    MeasurementPlan,
    OwnerProfile,
    PanelMember,
    ReadinessSettings,
    ReinforcementPlan,
    Severity,
    Touch,
    WhyMessage,
)
from sustain.readiness.services import GOAL_FIELDS, OWNER_PROFILE_FIELDS, TOUCH_FIELDS
from sustain.web.formfields import LookupChoiceField, model_choice_field
from sustain.web.forms import DateInput

YES_NO = [("", "Unknown"), ("true", "Yes"), ("false", "No")]


class OwnerProfileForm(forms.ModelForm[OwnerProfile]):
    has_sales_experience = forms.TypedChoiceField(
        choices=YES_NO,
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
        label="Sales experience",
    )

    class Meta:
        model = OwnerProfile
        fields = list(OWNER_PROFILE_FIELDS)
        labels = {
            "sales_years": "Years of sales experience",
            "time_share": "Share of her time for the program (%)",
            "carries_quota": "Also carries a quota",
            "paid_for_success": "Program success is part of her pay",
            "other_programs": "Other programs she owns",
        }
        help_texts = {f: "" for f in fields}
        widgets = {"other_programs": forms.Textarea(attrs={"rows": 2})}


class GoalForm(forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields = list(GOAL_FIELDS)
        labels = {
            "kpi": "KPI",
            "custom_name": "Custom KPI name",
            "baseline_value": "Baseline value",
            "baseline_start": "Baseline period from",
            "baseline_end": "Baseline period to",
            "target_value": "Target",
            "horizon_days": "Measured this many days after the workshop",
            "leading_indicators": "Leading behaviour indicators",
        }
        help_texts = {f: "" for f in fields}
        widgets = {
            "baseline_start": DateInput(),
            "baseline_end": DateInput(),
            "leading_indicators": forms.Textarea(attrs={"rows": 2}),
        }


class NeedsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Factor.choices:
            self.fields[f"{value}_rating"] = forms.ChoiceField(
                choices=[("", "Not rated"), *Severity.choices], required=False, label=label
            )
            self.fields[f"{value}_notes"] = forms.CharField(
                required=False,
                label=f"{label}: notes",
                widget=forms.Textarea(attrs={"rows": 1}),
            )


class WhyForm(forms.ModelForm[WhyMessage]):
    class Meta:
        model = WhyMessage
        fields = ["author", "market_change", "status_quo", "body"]
        field_classes = {"author": LookupChoiceField}
        labels = {
            "author": "Executive",
            "market_change": "What changed in the market",
            "status_quo": "Why the status quo is not okay",
            "body": "The message as reps will read it",
        }
        help_texts = {f: "" for f in fields}
        widgets = {
            "market_change": forms.Textarea(attrs={"rows": 3}),
            "status_quo": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks compare organizations while the form validates.
        self.instance.program = program
        model_choice_field(self, "author").queryset = Person.objects.filter(
            organization_id=program.organization_id, role=Role.EXECUTIVE
        )


class TouchForm(forms.ModelForm[Touch]):
    class Meta:
        model = Touch
        fields = list(TOUCH_FIELDS)
        widgets = {"date": DateInput()}
        field_classes = {f: LookupChoiceField for f in ("region", "team", "sender")}

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.program = program
        org = program.organization_id
        model_choice_field(self, "region").queryset = Region.objects.filter(organization_id=org)
        model_choice_field(self, "team").queryset = Team.objects.filter(organization_id=org)
        model_choice_field(self, "sender").queryset = Person.objects.filter(
            organization_id=org, role__in=[Role.EXECUTIVE, Role.OWNER, Role.MANAGER]
        )


class ExpectationForm(forms.ModelForm[Expectation]):
    class Meta:
        model = Expectation
        fields = ["do_differently", "measured_by", "recognized_by"]
        labels = {
            "do_differently": "What they will do differently",
            "measured_by": "How it will be measured",
            "recognized_by": "How it will be recognized and rewarded",
        }
        help_texts = {f: "" for f in fields}
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in fields}


class PanelForm(forms.ModelForm[PanelMember]):
    class Meta:
        model = PanelMember
        fields = ["manager", "scenarios"]
        field_classes = {"manager": LookupChoiceField}
        labels = {"scenarios": "Scenarios she contributed"}
        help_texts = {"scenarios": ""}
        widgets = {"scenarios": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, program: Program, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.program = program
        managers = Person.objects.filter(organization_id=program.organization_id, role=Role.MANAGER)
        if access.joins_panel_as_herself_only(viewer):
            managers = managers.filter(pk=viewer.pk)
        model_choice_field(self, "manager").queryset = managers


class ReinforcementForm(forms.ModelForm[ReinforcementPlan]):
    class Meta:
        model = ReinforcementPlan
        fields = ["coaching_cadence", "refreshers", "ninety_day_plans", "certification", "notes"]
        labels = {
            "refreshers": "Spaced refreshers",
            "ninety_day_plans": "90-day development plans",
            "certification": "Manager certification",
        }
        help_texts = {"certification": ""}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class MeasurementForm(forms.ModelForm[MeasurementPlan]):
    class Meta:
        model = MeasurementPlan
        fields = ["method", "comparison_kind", "comparison_group"]
        labels = {
            "method": "How the impact will be measured",
            "comparison_kind": "Comparison group is",
            "comparison_group": "Who is in the comparison group",
        }
        help_texts = {f: "" for f in fields}
        widgets = {
            "method": forms.Textarea(attrs={"rows": 3}),
            "comparison_group": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The plan names its comparison group (the API may save it later).
        self.fields["comparison_group"].required = True


class SettingsForm(forms.ModelForm[ReadinessSettings]):
    """The thresholds and their limits come from the model (the API's schema too)."""

    class Meta:
        model = ReadinessSettings
        fields = [
            "min_owner_time_share",
            "min_touches",
            "min_channels",
            "first_touch_lead_days",
            "min_horizon_days",
            "min_reinforcement_share",
        ]
        labels = {
            "min_owner_time_share": "Owner's time share at least (%)",
            "min_touches": "Touches at least",
            "min_channels": "Channels at least",
            "first_touch_lead_days": "First touch this many days before the workshop",
            "min_horizon_days": "Measurement horizon at least (days)",
            "min_reinforcement_share": "Budget after the workshop at least (%)",
        }


class AcknowledgeForm(forms.Form):
    pulse = forms.TypedChoiceField(
        choices=[("", "Rather not say"), *[(str(i), str(i)) for i in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
        label="“I understand why we are changing how we sell” (1 disagree, 5 agree)",
    )
