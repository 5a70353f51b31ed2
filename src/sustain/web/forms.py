"""Shared helpers for pages: forms hand their cleaned data to a service, and the
service's validation errors land next to the right field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

T = TypeVar("T")


def call_service(form: forms.BaseForm, service: Callable[[], T]) -> T | None:
    """Run `service`; on a ValidationError attach its messages to `form` and return None.
    Services are transactional, so a failure has written nothing."""
    try:
        return service()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(None if field == NON_FIELD_ERRORS else target, error)
        else:
            form.add_error(None, exc)
        return None


class DateInput(forms.DateInput):
    input_type = "date"
