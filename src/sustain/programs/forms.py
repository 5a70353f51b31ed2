from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sustain.orgs import access
from sustain.orgs.models import Organization, Person, Region, Role, Team
from sustain.programs import selectors
from sustain.programs.models import Concept, GlossaryTerm, Program, WorkshopSession
from sustain.web.formfields import LookupChoiceField, model_choice_field
from sustain.web.forms import DateInput, UniqueCheckedByService


class ProgramForm(forms.ModelForm[Program]):
    class Meta:
        model = Program
        fields = [
            "name",
            "vendor",
            "description",
            "owner",
            "status",
            "budget_workshop",
            "budget_reinforcement",
            "closed_on",
        ]
        labels = {
            "budget_workshop": "Workshop budget",
            "budget_reinforcement": "Reinforcement budget",
            "closed_on": "Closed on",
        }
        widgets = {"closed_on": DateInput()}
        field_classes = {"owner": LookupChoiceField}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks compare organizations while the form validates.
        self.instance.organization = organization
        # Only eligible people are offered; an ineligible owner already in place stays
        # selectable so editing something else does not silently drop her.
        eligible = access.eligible_program_owners(organization.pk)
        if self.instance.owner_id:
            eligible = eligible | Person.objects.filter(pk=self.instance.owner_id)
        model_choice_field(self, "owner").queryset = eligible
        self.fields["owner"].help_text = "The one person accountable for the program's results."


class ConceptForm(forms.ModelForm[Concept]):
    class Meta:
        model = Concept
        fields = ["name", "description", "position"]
        help_texts = {"position": "Concepts are taught and reinforced in this order."}


class GlossaryTermForm(UniqueCheckedByService, forms.ModelForm[GlossaryTerm]):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "definition"]
        widgets = {"definition": forms.TextInput()}


class SessionForm(forms.ModelForm[WorkshopSession]):
    class Meta:
        model = WorkshopSession
        fields = ["title", "starts_on", "ends_on", "location"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class EnrollFilterForm(forms.Form):
    """Who is listed on the enroll page: a name or email search, team, region, role."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    # A whole organization's teams and regions may be thousands: past LOOKUP_LIMIT a
    # typed name, not a <select>.
    team = LookupChoiceField(queryset=Team.objects.none(), required=False, empty_label="Any team")
    region = LookupChoiceField(
        queryset=Region.objects.none(), required=False, empty_label="Any region"
    )
    role = forms.ChoiceField(choices=[("", "Any role"), *Role.choices], required=False)

    def __init__(self, *args: Any, program: Program, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program, self.viewer = program, viewer
        model_choice_field(self, "team").queryset = access.teams_visible_to(viewer)
        model_choice_field(self, "region").queryset = Region.objects.filter(
            organization_id=program.organization_id
        )

    def matching(self) -> QuerySet[Person]:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.people_to_enroll(
            viewer=self.viewer,
            program=self.program,
            q=data.get("q") or "",
            team=data.get("team"),
            region=data.get("region"),
            role=data.get("role") or "",
        )


class EnrollForm(EnrollFilterForm):
    """Enroll the people ticked in the list (`scope=selected`), or everyone the filters
    match (`scope=all`): a whole team, region or role in one action."""

    people = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), required=False)
    session = forms.ModelChoiceField(queryset=WorkshopSession.objects.none(), required=False)
    scope = forms.ChoiceField(
        choices=[("selected", "The people ticked"), ("all", "Everyone matching")],
        required=False,
    )

    def __init__(self, *args: Any, program: Program, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, program=program, viewer=viewer, **kwargs)
        model_choice_field(self, "people").queryset = selectors.people_to_enroll(
            viewer=viewer, program=program
        )
        model_choice_field(self, "session").queryset = program.sessions.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "all":
            if not any(data.get(f) for f in ("q", "team", "region", "role")):
                self.add_error(None, "Pick a team, region or role to enroll as a group.")
        elif not data.get("people"):
            self.add_error("people", "Tick the people to enroll.")
        return data

    def group(self) -> QuerySet[Person]:
        if self.cleaned_data.get("scope") == "all":
            return self.matching()
        return Person.objects.filter(pk__in=[p.pk for p in self.cleaned_data["people"]])


class EnrollmentRowForm(forms.Form):
    """One enrollment row on the program page: assign a session, record attendance."""

    session = forms.ModelChoiceField(queryset=WorkshopSession.objects.none(), required=False)
    attended = forms.TypedChoiceField(
        choices=[("", "—"), ("1", "Attended"), ("0", "Missed")],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "session").queryset = program.sessions.all()

    def changes(self) -> dict[str, object]:
        """Only what the request sent: a row form posts one of the two fields."""
        return {f: self.cleaned_data[f] for f in ("session", "attended") if f in self.data}
