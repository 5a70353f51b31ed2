"""Limits declared once and shared by models, forms and API schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

# Nothing Sustain records happened before this (no CRM export, hire date or session).
EARLIEST_DATE = dt.date(1990, 1, 1)
# How far ahead a date may be planned.
YEARS_AHEAD = 10


def latest_date(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def validate_sensible_date(value: dt.date | None) -> None:
    """A date between 1990 and ten years from now: 0001-01-01 and 9999-12-31 are typos."""
    if value is None:
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    latest = latest_date()
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            "Enter a date between %(first)s and %(last)s.",
            code="date_window",
            params={"first": EARLIEST_DATE.isoformat(), "last": latest.isoformat()},
        )


# DateField's own type parameters (set and get types), so `null=True` still reads as
# `date | None` to the type checker.
_ST = TypeVar("_ST", contravariant=True)
_GT = TypeVar("_GT", covariant=True)


class DayField(models.DateField[_ST, _GT]):
    """A `DateField` that refuses dates outside `validate_sensible_date`'s window, in model
    validation and therefore in every ModelForm and service that calls `full_clean()`.

    It deconstructs as a plain `DateField`: the window moves with today, so it is not
    part of the schema and needs no migration."""

    default_validators = [validate_sensible_date]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs


# Free text a person writes (a note, a description, a message): long enough for a page,
# short enough that one paste cannot fill a page 97,000 px wide.
TEXT_MAX = 4000


class LongTextField(models.TextField[_ST, _GT]):
    """A `TextField` of at most `max_length` characters (TEXT_MAX unless given), enforced
    in model validation, in ModelForms (the textarea's maxlength) and in API schemas
    built from the model (`maxLength`).

    It deconstructs as a plain `TextField`: the database holds any length, so the limit
    needs no migration."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", TEXT_MAX)
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self) -> list[Any]:
        return [*super().validators, MaxLengthValidator(self.max_length)]

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, "django.db.models.TextField", args, kwargs


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None. PostgreSQL refuses NUL characters and
    no database encodes a lone UTF-16 surrogate (such as `\\ud800` from JSON)."""
    if "\x00" in value:
        return "Text may not contain NUL (\\u0000) characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Text may not contain unpaired surrogates (such as \\ud800)."
    return None


def max_upload_bytes() -> int:
    return int(settings.SUSTAIN_MAX_UPLOAD_BYTES)


def validate_upload_size(file: Any) -> None:
    limit = max_upload_bytes()
    if file is not None and file.size > limit:
        raise ValidationError(
            "The file is %(size)s MB; the limit is %(limit)s MB.",
            code="file_too_large",
            params={"size": round(file.size / 1e6, 1), "limit": round(limit / 1e6, 1)},
        )
