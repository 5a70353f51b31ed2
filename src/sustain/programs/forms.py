from __future__ import annotations

from django import forms

from sustain.orgs import access
from sustain.orgs.models import Organization, Person
from sustain.programs.models import Concept, GlossaryTerm, Program, WorkshopSession
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

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks compare organizations while the form validates.
        self.instance.organization = organization
        # Only eligible people are offered; an ineligible owner already in place stays
        # selectable so editing something else does not silently drop her.
        eligible = access.eligible_program_owners(organization.pk)
        if self.instance.owner_id:
            eligible = eligible | Person.objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = eligible
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


class EnrollForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Hold Ctrl (or ⌘) to pick several.",
    )
    session = forms.ModelChoiceField(queryset=WorkshopSession.objects.none(), required=False)

    def __init__(self, *args: object, program: Program, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.filter(
            organization_id=program.organization_id, is_active=True
        ).exclude(enrollments__program=program)
        self.fields["session"].queryset = program.sessions.all()


class EnrollmentRowForm(forms.Form):
    """One enrollment row on the program page: assign a session, record attendance."""

    session = forms.ModelChoiceField(queryset=WorkshopSession.objects.none(), required=False)
    attended = forms.TypedChoiceField(
        choices=[("", "—"), ("1", "Attended"), ("0", "Missed")],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: object, program: Program, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = program.sessions.all()

    def changes(self) -> dict[str, object]:
        """Only what the request sent: a row form posts one of the two fields."""
        return {f: self.cleaned_data[f] for f in ("session", "attended") if f in self.data}
