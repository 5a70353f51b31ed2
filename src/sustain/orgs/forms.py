from __future__ import annotations

from django import forms

from sustain.orgs.models import Organization, Person, Region, Team
from sustain.web.forms import DateInput


class OrganizationForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = ["name"]


class RegionForm(forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["name"]
        labels = {"name": "New region"}

    def validate_unique(self) -> None:
        pass


class PersonForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["name", "email", "title", "role", "hire_date", "region", "team", "external_id"]
        widgets = {"hire_date": DateInput()}
        labels = {"external_id": "CRM id"}

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks compare organizations while the form validates.
        self.instance.organization = organization
        self.fields["region"].queryset = Region.objects.filter(organization=organization)
        self.fields["team"].queryset = Team.objects.filter(organization=organization)

    def validate_unique(self) -> None:
        # The service validates the full row (uniqueness included) in its transaction.
        pass


class TeamForm(forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["name", "region", "manager"]

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks compare organizations while the form validates.
        self.instance.organization = organization
        self.fields["region"].queryset = Region.objects.filter(organization=organization)
        self.fields["manager"].queryset = Person.objects.filter(
            organization=organization, role="manager"
        )

    def validate_unique(self) -> None:
        pass
