"""The request a signed-in person makes, for the type checker.

Django types `request.user` as `Person | AnonymousUser`; behind `@login_required` and in
every API handler (`TokenAuth` sets `request.user` to the token's person) it is always a
`Person`. Annotating those views with `AuthenticatedHttpRequest` says so once, instead of
a cast or an ignore in each view.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from sustain.orgs.models import Person


class AuthenticatedHttpRequest(HttpRequest):
    user: Person
    htmx: HtmxDetails  # set on every request by django_htmx's middleware


class HtmxHttpRequest(HttpRequest):
    """Any request, signed in or not, after django_htmx's middleware."""

    htmx: HtmxDetails
