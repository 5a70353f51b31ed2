from __future__ import annotations

from django.urls import path

from sustain.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.index, name="index"),
    path("kpis/<int:kpi_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("import/", views.upload, name="upload"),
    path("import/template/<str:source>.csv", views.template, name="template"),
    path("import/<int:job_id>/", views.job, name="job"),
    path("import/<int:job_id>/apply/", views.apply, name="apply"),
    path("import/<int:job_id>/undo/", views.undo, name="undo"),
    path("mappings/<str:source>/", views.mapping, name="mapping"),
    path("import/<int:job_id>/retry/", views.job_retry, name="job_retry"),
]
