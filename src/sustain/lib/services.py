"""Helpers shared by every app's services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


def model_update(*, instance: M, data: Mapping[str, object], fields: Iterable[str]) -> M:
    """Apply the given fields of `data` to `instance`, validate the whole row, and save
    those fields only (`update_fields`). Fields absent from `data` are left alone."""
    given = [f for f in fields if f in data]
    _refuse_nulls(instance, data, given)
    for field in given:
        setattr(instance, field, data[field])
    if given:
        instance.full_clean()
        instance.save(update_fields=given)
    return instance


def model_create(model: type[M], **values: object) -> M:
    instance = model(**values)
    instance.full_clean()
    instance.save()
    return instance


def _refuse_nulls(instance: Model, data: Mapping[str, object], fields: list[str]) -> None:
    """`null` for a column that cannot hold it is a 400 that says so, not an
    IntegrityError (model validation skips blank-allowed fields that are None)."""
    errors = {}
    for name in fields:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not isinstance(field, Field):  # a reverse relation: never written through here
            continue
        if data[name] is None and not field.null:
            hint = ' (send "" to clear it)' if field.empty_strings_allowed and field.blank else ""
            errors[name] = [f"This field cannot be null{hint}."]
    if errors:
        raise ValidationError(errors)
