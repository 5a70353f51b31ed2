from __future__ import annotations

from django.urls import path

from sustain.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.export_page, name="page"),
    path("download/", views.export_download, name="download"),
]
