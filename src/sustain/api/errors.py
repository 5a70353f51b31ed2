"""Every error the API answers has one shape, `{"detail": str, "errors": {field: [messages]}}`:
request-schema errors, service validation, 401/403/404/405/413 and 500 alike, also for
paths under /api/ that match no endpoint."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from sustain.lib.validation import max_upload_bytes

logger = logging.getLogger("sustain.api")

API_PREFIX = "/api/"
MESSAGES = {
    400: "Bad request.",
    401: "Authentication required: send `Authorization: Bearer <token>`.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request is too large.",
    415: "Unsupported media type: send JSON.",
    500: "Server error. It has been logged; please try again later.",
}


def body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}}


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"__all__": list(exc.messages)}


def _field(loc: list[Any]) -> str:
    """`["body", "payload", "phases", 0, "days"]` → `phases.0.days`; the request as a
    whole is `__all__`."""
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:]  # ninja's ("body", <argument name>)
    elif parts[:1] in (["query"], ["path"], ["form"], ["file"], ["header"], ["cookie"]):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "Unknown field: leave it out."
    msg = str(error.get("msg", "Invalid value."))
    return msg.removeprefix("Value error, ")


def schema_errors(exc: SchemaError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(list(error.get("loc", ()))), []).append(_message(error))
    return errors


def _first(errors: dict[str, list[str]], fallback: str) -> str:
    for field, messages in errors.items():
        if messages:
            return messages[0] if field == "__all__" else f"{field}: {messages[0]}"
    return fallback


def too_large_detail() -> str:
    limit = max_upload_bytes() / 1e6
    json_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1e6
    return (
        f"The request is too large: files may be at most {limit:g} MB "
        f"and other request bodies at most {json_limit:g} MB."
    )


def atomic_writes(func: Callable[..., Any]) -> Callable[..., Any]:
    """Every write a request makes commits together or not at all: an error after a
    first write (a region created, then the person refused) rolls the first back too."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return func(request, *args, **kwargs)
        with transaction.atomic():
            return func(request, *args, **kwargs)

    return wrapper


def install(api: NinjaAPI) -> None:
    def respond(
        request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None
    ) -> HttpResponse:
        return api.create_response(request, body(detail, errors), status=status)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, MESSAGES[404])

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or MESSAGES[403])

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(exc)
        # A service's message is a sentence that names what it is about.
        first = next((m for msgs in errors.values() for m in msgs), "Invalid input.")
        return respond(request, 400, first, errors)

    @api.exception_handler(SchemaError)
    def invalid_request(request: HttpRequest, exc: SchemaError) -> HttpResponse:
        errors = schema_errors(exc)
        return respond(request, 422, _first(errors, "Invalid request."), errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, MESSAGES[401])

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return respond(request, exc.status_code, detail)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, too_large_detail())

    @api.exception_handler(TooManyFieldsSent)
    def too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
        return respond(request, 413, "The request has too many fields.")

    @api.exception_handler(MultiPartParserError)
    def bad_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return respond(request, 400, f"The upload could not be read: {exc}")

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # An integer beyond 64 bits names no row and fits no column.
        return respond(request, 400, "A number is out of range (at most 2^63 - 1).")

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, MESSAGES[500])


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ErrorMiddleware:
    """Answers under /api/ that did not come from an endpoint (an unknown path, a method
    the path does not allow, a body over the size limit, an error before the view) in the
    API's JSON shape; refuses oversized requests before reading them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith(API_PREFIX)
        too_large = self._too_large(request, is_api)
        if too_large is not None:
            return too_large
        response = self.get_response(request)
        if is_api and response.status_code >= 400 and not _is_json(response):
            return self._as_json(response)
        return response

    def _too_large(self, request: HttpRequest, is_api: bool) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Refused before a byte of the body is read.
        if length <= max_upload_bytes():
            return None
        if is_api:
            return JsonResponse(body(too_large_detail()), status=413)
        if request.method == "POST":
            # Back to the form, which says so beside its file field (web/_form.html).
            return HttpResponseRedirect(f"{request.path}?too_large=1", status=303)
        return render(
            request,
            "web/error.html",
            {"status": 413, "title": "Too large", "message": too_large_detail()},
            status=413,
        )

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            if isinstance(exc, OverflowError):
                # An id beyond 64 bits in a page's address (SQLite cannot even look it up).
                return render(request, "404.html", status=404)
            return None
        if isinstance(exc, OverflowError):
            return JsonResponse(body("A number is out of range (at most 2^63 - 1)."), status=400)
        if isinstance(exc, Http404):
            return JsonResponse(body(MESSAGES[404]), status=404)
        if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
            return JsonResponse(body(too_large_detail()), status=413)
        if isinstance(exc, MultiPartParserError):
            return JsonResponse(body(f"The upload could not be read: {exc}"), status=400)
        logger.exception("API error on %s %s", request.method, request.path)
        return JsonResponse(body(MESSAGES[500]), status=500)

    @staticmethod
    def _as_json(response: HttpResponse) -> HttpResponse:
        status = response.status_code
        detail = MESSAGES.get(status, MESSAGES[400] if status < 500 else MESSAGES[500])
        if status == 405 and response.get("Allow"):
            detail = f"Method not allowed; this path allows {response['Allow']}."
        elif status == 413:
            detail = too_large_detail()
        converted = JsonResponse(body(detail), status=status)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if response.has_header(header):
                converted[header] = response[header]
        return converted
