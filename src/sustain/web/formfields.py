"""Typed access to a form's fields, for forms that narrow a choice field per request."""

from __future__ import annotations

from typing import Any

from django import forms


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """`form.fields[name]` is typed as a plain Field; a ModelForm's foreign key (or a
    declared ModelChoiceField/ModelMultipleChoiceField) is always a ModelChoiceField."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """`form.fields[name]` as the ChoiceField it is, to set its choices per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field
