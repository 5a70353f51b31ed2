from __future__ import annotations

from django.urls import path

from sustain.adoption import views

app_name = "adoption"
urlpatterns = [
    path("program/<int:program_id>/", views.program_adoption, name="program"),
    path("program/<int:program_id>/rescore/", views.rescore, name="rescore"),
    path("program/<int:program_id>/retention/", views.retention, name="retention"),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("calls/<int:call_id>/labels/<int:concept_id>/", views.label, name="label"),
]
