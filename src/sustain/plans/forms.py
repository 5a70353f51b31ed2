from __future__ import annotations

from django import forms

from sustain.web.forms import DateInput

RATINGS = [(i, str(i)) for i in range(1, 6)]


class CheckInForm(forms.Form):
    applied = forms.CharField(
        label="What I applied this week",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    struggled = forms.CharField(
        label="Where I struggled",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    # Nothing is preselected: a default of 1 would record a rating nobody gave.
    rating = forms.TypedChoiceField(
        label="How well I practise the current concept (1 to 5)",
        choices=[("", "— choose 1 to 5"), *RATINGS],
        coerce=int,
        error_messages={"required": "Choose how well you practised, from 1 to 5."},
    )


class RestartForm(forms.Form):
    start = forms.DateField(label="New first day", widget=DateInput)
    note = forms.CharField(label="Why (the rep reads this)", max_length=300)


class ItemForm(forms.Form):
    text = forms.CharField(label="Item", max_length=500)
    due = forms.DateField(label="Due", widget=DateInput, required=False)
