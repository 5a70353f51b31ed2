"""Shared helpers for pages: forms hand their cleaned data to a service, and the
service's validation errors land next to the right field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sustain.lib.validation import max_upload_bytes, validate_upload_size
from sustain.web.formfields import lookup_suggestions

T = TypeVar("T")


class UploadInput(forms.ClearableFileInput):
    """Carries the upload limit as it is when the page renders, for `web/upload.js`."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-max-bytes"] = str(max_upload_bytes())
        return context


class UploadField(forms.FileField):
    """A file field with the upload limit: checked in the browser before a byte is sent
    (`web/upload.js`), and again on the server."""

    widget = UploadInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(validate_upload_size)


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


class UniqueCheckedByService:
    """For ModelForms whose service checks uniqueness (case-insensitively, in its
    transaction, with a message that names the clash): skip the form's own query."""

    def validate_unique(self) -> None:
        return None


class DateInput(forms.DateInput):
    input_type = "date"


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], T],
    *,
    done: Callable[[T], str] | str,
    message: Callable[[T], str] | str = "",
    template: str = "web/form.html",
    invalid_status: int = 200,
    **context: object,
) -> HttpResponse:
    """Every create/edit page: on a valid POST call `save(cleaned_data)` (a service),
    flash `message` and redirect to `done` (each a value or a function of the service's
    result); otherwise render `template` with the form, its errors beside the fields (the
    service's too, through `call_service`), and `context`; a form sent back with errors
    answers `invalid_status`. A lookup field's request for suggestions is answered here,
    from the form the viewer was given (`formfields.lookup_suggestions`)."""
    suggestions = lookup_suggestions(request, form)
    if suggestions is not None:
        return suggestions
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = call_service(form, lambda: save(data))
        if result is not None:
            text = message(result) if callable(message) else message
            if text:
                messages.success(request, text)
            return redirect(done(result) if callable(done) else done)
    status = invalid_status if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)
