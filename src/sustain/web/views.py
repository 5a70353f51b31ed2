"""The home page, per role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.web.home import home_context


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "web/home.html", home_context(request.user))
