from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from sustain.api.urls import api
from sustain.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("", include("sustain.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("programs/", include("sustain.programs.urls")),
    path("readiness/", include("sustain.readiness.urls")),
    path("plans/", include("sustain.plans.urls")),
    path("coaching/", include("sustain.coaching.urls")),
    path("certification/", include("sustain.certification.urls")),
    path("refreshers/", include("sustain.refreshers.urls")),
    path("metrics/", include("sustain.metrics.urls")),
    path("analysis/", include("sustain.analysis.urls")),
    path("audit/", include("sustain.audit.urls")),
    path("", include("sustain.notify.urls")),
    path("people/import/", include("sustain.roster.urls")),
    path("organization/export/", include("sustain.exports.urls")),
    path("adoption/", include("sustain.adoption.urls")),
    path("", include("sustain.health.urls")),
    path("", include("sustain.orgs.urls")),
]
