from __future__ import annotations

from django.urls import path

from sustain.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("import/<int:job_id>/", views.job, name="job"),
]
