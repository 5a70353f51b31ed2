from __future__ import annotations

from django import forms

from sustain.orgs.models import Organization, Person, Region, Team
from sustain.web.forms import DateInput, UniqueCheckedByService


class OrganizationForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = ["name"]


class RegionForm(UniqueCheckedByService, forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["name"]
        labels = {"name": "New region"}


class PersonForm(UniqueCheckedByService, forms.ModelForm[Person]):
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


class TeamForm(UniqueCheckedByService, forms.ModelForm[Team]):
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
