from __future__ import annotations

from django.urls import path

from sustain.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.roster_import, name="import"),
    path("confirm/", views.roster_confirm, name="confirm"),
    path("mapping/", views.roster_mapping, name="mapping"),
    path("invite/", views.roster_invite, name="invite"),
]
