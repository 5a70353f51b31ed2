"""The project's URLs with the home page looked up at request time, so a test can make it
fail."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from sustain.config.urls import urlpatterns as project_urls
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.web import views


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return views.home(request)


urlpatterns = [path("", home, name="home"), *project_urls[1:]]
