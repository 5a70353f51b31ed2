from __future__ import annotations

from django import forms

from sustain.adoption.services import MAX_FILES
from sustain.web.forms import DateInput, UploadField, UploadInput


class MultipleFileInput(UploadInput):
    allow_multiple_selected = True


class MultipleFileField(UploadField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"At most {MAX_FILES} files at once.")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class CallUploadForm(forms.Form):
    rep = forms.ModelChoiceField(queryset=None, help_text="The rep whose calls these are.")  # type: ignore[arg-type]
    date = forms.DateField(widget=DateInput)
    files = MultipleFileField(
        label="Transcripts",
        help_text="WebVTT (Zoom, Teams), SRT, Gong JSON or “Name: text” lines; up to 5 MB each.",
    )

    def __init__(self, *args: object, reps: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["rep"].queryset = reps  # type: ignore[attr-defined]


class RetentionForm(forms.Form):
    retention_days = forms.IntegerField(
        min_value=1, max_value=3650, label="Keep transcripts (days)"
    )
