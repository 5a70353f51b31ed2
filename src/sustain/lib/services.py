"""Helpers shared by every app's services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def model_update(*, instance: M, data: Mapping[str, object], fields: Iterable[str]) -> M:
    """Apply the given fields of `data` to `instance`, validate the whole row, and save
    those fields only (`update_fields`). Fields absent from `data` are left alone."""
    given = [f for f in fields if f in data]
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
