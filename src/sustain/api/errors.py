"""Every error the API answers is JSON with a `detail` message; field errors add
`errors: {field: [messages]}`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"__all__": list(exc.messages)}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or "You do not have permission to do this."
        return api.create_response(request, {"detail": detail}, status=403)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(exc)
        first = next(iter(errors.values()))[0] if errors else "Invalid input."
        return api.create_response(request, {"detail": first, "errors": errors}, status=400)
