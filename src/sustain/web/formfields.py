"""Typed access to a form's fields, for forms that narrow a choice field per request,
and the choice field for whole-organization lists (teams, regions, people)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Length, Lower
from django.forms.models import ModelChoiceIterator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import SafeString

# Past this many choices a <select> is useless to a person and slow to render: the field
# becomes a text input that suggests matching names as she types.
LOOKUP_LIMIT = 200
# The most suggestions one keystroke brings: enough to see the name wanted, few enough to
# read (and to cost one bounded query whatever the organization's size).
SUGGESTIONS = 20
# `?lookup=<field's name>&<field's name>=<text>` on a form page asks for suggestions.
LOOKUP_PARAM = "lookup"
# Beside a lookup's text input: what was posted is text to match, never a primary key.
TYPED_SUFFIX = "-typed"
_EMAIL_LABEL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]+)>$", re.DOTALL)


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


def natural_key(text: str) -> tuple[str | int, ...]:
    """Sorts "Pod 3" before "Pod 12": runs of digits compare as numbers, the rest
    case-insensitively. Digits sit at the odd places of the split, so two keys never
    compare a number with a word."""
    parts = re.split(r"(\d+)", text.casefold())
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def email_label(name: str, email: str) -> str:
    """A person as the lookup shows and suggests her: unambiguous, since emails are."""
    return f"{name} <{email}>"


def parse_email_label(text: str) -> tuple[str, str] | None:
    """`email_label`'s (name, email) back, or None for text of another shape."""
    found = _EMAIL_LABEL.match(text.strip())
    if found is None or "@" not in found["email"]:
        return None
    return found["name"].strip(), found["email"].strip()


class Typed(str):
    """Text from a lookup's text input: matched by name or email, never read as a pk
    (a team may be called "2026")."""


def _name_of(obj: Any) -> str:
    return str(obj.name)


def _by_email(queryset: QuerySet[Any]) -> bool:
    return any(f.name == "email" for f in queryset.model._meta.get_fields())


class NaturalOrderIterator(ModelChoiceIterator[Any]):
    """A select's options in natural order of their labels (the empty choice first).
    Only ever a select of at most `LOOKUP_LIMIT` rows, so sorting in Python is cheap."""

    def __iter__(self) -> Iterator[Any]:
        rows = super().__iter__()
        if self.field.empty_label is not None:
            yield next(rows)
        yield from sorted(rows, key=lambda choice: natural_key(str(choice[1])))


class LookupSelect(forms.Select):
    """The usual <select> while the field's queryset has at most `LOOKUP_LIMIT` rows;
    past that a text input holding the current choice's name (a person's "Name
    <email>"), which asks its own form page for suggestions as she types (htmx fills a
    <datalist>; no script of ours), and a hidden marker saying its value is text."""

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
        by_email = _by_email(queryset)
        options = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}-options"
        text = forms.TextInput(
            attrs={
                **self.attrs,
                "placeholder": "Type a name or email" if by_email else "Type a name",
                "autocomplete": "off",
                "list": options,
                "hx-get": f"?{LOOKUP_PARAM}={name}",
                "hx-trigger": "input changed delay:200ms",
                "hx-target": f"#{options}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "hx-push-url": "false",
            }
        )
        return format_html(
            '{}<input type="hidden" name="{}" value="1"><datalist id="{}"></datalist>',
            text.render(name, self._text_of(queryset, value), attrs, renderer),
            name + TYPED_SUFFIX,
            options,
        )

    def use_required_attribute(self, initial: Any) -> bool:
        # Select's own test reads the first choice, which here would sort them all (and
        # past the limit fetch a whole organization): an empty first choice is the
        # empty label.
        field: LookupChoiceField = self.choices.field  # type: ignore[attr-defined]
        return not self.is_hidden and field.empty_label is not None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str) and data.get(name + TYPED_SUFFIX):
            return Typed(value)
        return value

    def _text_of(self, queryset: QuerySet[Any], value: Any) -> str:
        """The current choice (a pk from the instance or the initial data) as the lookup
        shows it, or the text as typed (sent back with an error)."""
        if value in (None, "") or isinstance(value, Typed):
            return str(value or "")
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = queryset.filter(pk=value).first()
            if found is not None:
                field: LookupChoiceField = self.choices.field  # type: ignore[attr-defined]
                return field.typed_label(found)
        return str(value)


class LookupChoiceField(forms.ModelChoiceField[Any]):
    """A foreign key chosen from a list that may hold a whole organization: a <select>
    in natural order for a small one, a text input with suggestions for a big one.
    Cleaning accepts a pk only from the select; text is matched, case-insensitively and
    within the field's queryset only (what the viewer may pick), by exact name, email
    or "Name <email>"; a name two people share asks for the email."""

    widget = LookupSelect
    iterator = NaturalOrderIterator

    def typed_label(self, obj: Any) -> str:
        """A choice as its text input shows it: the name, a person's "Name <email>"."""
        name = _name_of(obj)
        return email_label(name, str(obj.email)) if hasattr(obj, "email") else name

    def suggestions(self, text: str) -> list[str]:
        """Up to `SUGGESTIONS` choices whose name (or a person's email) contains `text`,
        case-insensitively, from the field's own queryset: nobody can list a name she
        could not pick. Shortest names first, then alphabetically, so "Pod 3" comes
        before "Pod 12" and an exact match before the longer names containing it."""
        text = text.strip()
        queryset = self.queryset
        if not text or queryset is None:
            return []
        by_email = _by_email(queryset)
        match = Q(name__icontains=text)
        if by_email:
            match |= Q(email__icontains=text)
        rows = queryset.filter(match).order_by(Length("name"), Lower("name"), "pk")
        if by_email:
            return [email_label(n, e) for n, e in rows.values_list("name", "email")[:SUGGESTIONS]]
        return list(rows.values_list("name", flat=True)[:SUGGESTIONS])

    def to_python(self, value: Any) -> Model | None:
        if isinstance(value, Typed) or (
            isinstance(value, str) and value.strip() and not value.strip().isdigit()
        ):
            text = value.strip()
            return self._lookup(text) if text else None
        return super().to_python(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if not isinstance(data, Typed):
            return super().has_changed(initial, data)
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        return super().has_changed(initial, None if chosen is None else chosen.pk)

    def _lookup(self, text: str) -> Model:
        queryset = self.queryset
        assert queryset is not None
        by_email = _by_email(queryset)
        noun = str(queryset.model._meta.verbose_name)
        labelled = parse_email_label(text) if by_email else None
        if labelled is not None:
            name, email = labelled
            found: Model | None = queryset.filter(email__iexact=email).first()
            if found is None or (name and name.casefold() != _name_of(found).casefold()):
                raise ValidationError(f"No {noun} “{text}”.", code="invalid_choice")
            return found
        match = Q(name__iexact=text) | Q(email__iexact=text) if by_email else Q(name__iexact=text)
        matches: list[Model] = list(queryset.filter(match)[:2])
        if not matches:
            raise ValidationError(f"No {noun} named “{text}”.", code="invalid_choice")
        if len(matches) > 1:
            many = str(queryset.model._meta.verbose_name_plural)
            hint = ": choose one from the suggestions, or type the email." if by_email else "."
            raise ValidationError(
                f"{queryset.filter(match).count()} {many} are named “{text}”{hint}",
                code="invalid_choice",
            )
        return matches[0]


def lookup_suggestions(request: HttpRequest, form: forms.BaseForm) -> HttpResponse | None:
    """The answer to a lookup field asking its form page for suggestions
    (`?lookup=<name>&<name>=<text>`), or None for any other request. The page's view
    has already decided the viewer may open this form, and the field's queryset is
    what she may pick: the suggestions come from nowhere else."""
    name = request.GET.get(LOOKUP_PARAM)
    if request.method != "GET" or name is None:
        return None
    for field_name, field in form.fields.items():
        if form.add_prefix(field_name) == name and isinstance(field, LookupChoiceField):
            options = field.suggestions(request.GET.get(name, ""))
            return render(request, "web/_lookup_options.html", {"options": options})
    raise Http404
