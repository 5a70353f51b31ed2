from __future__ import annotations

from typing import Any

from django import forms

from sustain.orgs import access
from sustain.orgs.models import ApiToken, Organization, Person, Region, Role, Team
from sustain.orgs.services import TOKEN_MAX_DAYS, UNUSABLE_EMAIL
from sustain.web.formfields import LookupChoiceField, model_choice_field
from sustain.web.forms import DateInput, UniqueCheckedByService


class OrganizationForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = ["name", "min_group_size"]


class RegionForm(UniqueCheckedByService, forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["name"]
        labels = {"name": "New region"}


class PersonForm(UniqueCheckedByService, forms.ModelForm[Person]):
    """Role and login email are shown, not editable, to whoever may not change them
    (`access.can_change_role`, `can_change_login_email`); the service checks again."""

    class Meta:
        model = Person
        fields = ["name", "email", "title", "role", "hire_date", "region", "team", "external_id"]
        widgets = {"hire_date": DateInput()}
        labels = {"external_id": "CRM id"}
        field_classes = {"region": LookupChoiceField, "team": LookupChoiceField}
        # The same words as for an address used in another organization (no oracle).
        error_messages = {"email": {"invalid": UNUSABLE_EMAIL}}

    def __init__(
        self, *args: Any, organization: Organization, viewer: Person, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks compare organizations while the form validates.
        self.instance.organization = organization
        model_choice_field(self, "region").queryset = Region.objects.filter(
            organization=organization
        )
        model_choice_field(self, "team").queryset = Team.objects.filter(organization=organization)
        if self.instance.pk is None:
            self.fields["role"].choices = [
                (value, label)
                for value, label in Role.choices
                if access.can_give_role_to_new_person(viewer, value)
            ]
            return
        if not access.can_change_role(viewer, self.instance, Role.REP):
            self.fields["role"].disabled = True
            self.fields["role"].help_text = "Only an admin changes roles."
        if not access.can_change_login_email(viewer, self.instance):
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "The login: only an admin changes it."

    def validate_constraints(self) -> None:
        # The service checks the email (its message must not reveal other organizations).
        return None


class RegionRenameForm(UniqueCheckedByService, forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["name"]


class TeamForm(UniqueCheckedByService, forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["name", "region", "manager"]
        field_classes = {"region": LookupChoiceField, "manager": LookupChoiceField}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's own checks compare organizations while the form validates.
        self.instance.organization = organization
        model_choice_field(self, "region").queryset = Region.objects.filter(
            organization=organization
        )
        model_choice_field(self, "manager").queryset = Person.objects.filter(
            organization=organization, role="manager", is_active=True
        )


class TokenForm(forms.Form):
    # The token's label, which the form requires (as the API does).
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("label").max_length,
        help_text="What uses it, e.g. “CRM sync”.",
    )
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        label="Expires in (days)",
        help_text="Leave empty for a token that lasts until revoked.",
    )
