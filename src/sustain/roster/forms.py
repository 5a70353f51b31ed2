from __future__ import annotations

from typing import Any

from django import forms

from sustain.roster.importer import HEADER_MAX_LENGTH, MAPPABLE
from sustain.web.forms import UploadField


class RosterUploadForm(forms.Form):
    file = UploadField(
        label="Roster (CSV or XLSX)",
        help_text="Your HRIS or CRM user export: Workday, BambooHR and Salesforce headers work.",
    )
    deactivate_missing = forms.BooleanField(
        label="Deactivate the active people who are not in the file",
        required=False,
        help_text="For a complete export: people who left the company can no longer log in.",
    )


class RosterMappingForm(forms.Form):
    """For each roster field, the header of the organization's export (blank: the usual
    names are recognized)."""

    date_order = forms.ChoiceField(
        label="Dates like 03/04/2025 are",
        choices=[
            ("", "refused (ISO dates only)"),
            ("dmy", "day/month/year"),
            ("mdy", "month/day/year"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in MAPPABLE:
            self.fields[field] = forms.CharField(
                label=field.replace("_", " "), required=False, max_length=HEADER_MAX_LENGTH
            )
        self.order_fields([*MAPPABLE, "date_order"])

    def columns(self) -> dict[str, str]:
        return {f: self.cleaned_data[f] for f in MAPPABLE if self.cleaned_data.get(f)}
