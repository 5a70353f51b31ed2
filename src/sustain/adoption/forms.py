from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sustain.adoption.models import AdoptionPolicy
from sustain.adoption.services import MAX_FILES
from sustain.orgs.models import Person
from sustain.web.formfields import model_choice_field
from sustain.web.forms import DateInput, UploadField, UploadInput


class MultipleFileInput(UploadInput):
    allow_multiple_selected = True


class MultipleFileField(UploadField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"At most {MAX_FILES} files at once.")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class CallUploadForm(forms.Form):
    rep: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=None, help_text="The rep whose calls these are."
    )
    date = forms.DateField(widget=DateInput)
    # A field, not BaseForm.files: the form's metaclass moves it into base_fields.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Transcripts",
        help_text="WebVTT (Zoom, Teams), SRT, Gong JSON or “Name: text” lines; up to 5 MB each.",
    )

    def __init__(self, *args: Any, reps: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "rep").queryset = reps


class RetentionForm(forms.ModelForm[AdoptionPolicy]):
    class Meta:
        model = AdoptionPolicy
        fields = ["retention_days"]
        labels = {"retention_days": "Keep transcripts (days)"}
