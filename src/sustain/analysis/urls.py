from __future__ import annotations

from django.urls import path

from sustain.analysis import views

app_name = "analysis"
urlpatterns = [
    path("programs/<int:program_id>/", views.program_analysis, name="program"),
    path("programs/<int:program_id>/kpis/<int:kpi_id>/", views.goal_analysis, name="goal"),
    path("programs/<int:program_id>/kpis/<int:kpi_id>/run/", views.run_create, name="run"),
    path(
        "programs/<int:program_id>/kpis/<int:kpi_id>/runs/<int:run_id>/progress/",
        views.run_progress,
        name="run_progress",
    ),
    path(
        "programs/<int:program_id>/kpis/<int:kpi_id>/runs/<int:run_id>/retry/",
        views.run_retry,
        name="run_retry",
    ),
    path("programs/<int:program_id>/report/", views.report, name="report"),
    path("programs/<int:program_id>/report.pdf", views.report_pdf, name="report_pdf"),
]
