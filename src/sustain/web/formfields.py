"""Typed access to a form's fields, for forms that narrow a choice field per request,
and the choice field for whole-organization lists (teams, regions, people)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.safestring import SafeString

# Past this many choices a <select> is useless to a person and slow to render: the field
# becomes a text input where she types the exact name (or, for people, the email).
LOOKUP_LIMIT = 200


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


def _by_email(queryset: QuerySet[Any]) -> bool:
    return any(f.name == "email" for f in queryset.model._meta.get_fields())


class LookupSelect(forms.Select):
    """The usual <select> while the field's queryset has at most `LOOKUP_LIMIT` rows;
    past that a text input holding the current choice's name (never more than
    `LOOKUP_LIMIT` options rendered)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        queryset: QuerySet[Any] = self.choices.queryset  # type: ignore[attr-defined]
        if queryset[: LOOKUP_LIMIT + 1].count() <= LOOKUP_LIMIT:
            return super().render(name, value, attrs, renderer)
        hint = "Exact name or email" if _by_email(queryset) else "Exact name"
        text = forms.TextInput(attrs={**self.attrs, "placeholder": hint, "autocomplete": "off"})
        return text.render(name, self._label_of(queryset, value), attrs, renderer)

    def _label_of(self, queryset: QuerySet[Any], value: Any) -> str:
        """The current choice's name (a pk from the instance or the select), or the text
        as typed (sent back with an error)."""
        if value in (None, ""):
            return ""
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = queryset.filter(pk=value).first()
            if found is not None:
                label: str = self.choices.field.label_from_instance(found)  # type: ignore[attr-defined]
                return label
        return str(value)


class LookupChoiceField(forms.ModelChoiceField[Any]):
    """A foreign key chosen from a list that may hold a whole organization: a <select>
    for a small one, a typed name (or, for people, an email) for a big one. Cleaning
    accepts a pk (what the select posts) or that text, matched case-insensitively within
    the field's queryset only (what the viewer may pick)."""

    widget = LookupSelect

    def to_python(self, value: Any) -> Model | None:
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            return self._lookup(value.strip())
        return super().to_python(value)

    def _lookup(self, text: str) -> Model:
        queryset = self.queryset
        assert queryset is not None
        by_email = _by_email(queryset)
        match = Q(name__iexact=text) | Q(email__iexact=text) if by_email else Q(name__iexact=text)
        found: list[Model] = list(queryset.filter(match)[:2])
        noun = str(queryset.model._meta.verbose_name)
        if not found:
            raise ValidationError(f"No {noun} named “{text}”.", code="invalid_choice")
        if len(found) > 1:
            many = str(queryset.model._meta.verbose_name_plural)
            hint = ": type the email." if by_email else "."
            raise ValidationError(
                f"{queryset.filter(match).count()} {many} are named “{text}”{hint}",
                code="invalid_choice",
            )
        return found[0]
