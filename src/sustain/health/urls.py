from __future__ import annotations

from django.urls import path

from sustain.health import views

app_name = "health"
urlpatterns = [
    path("health/program/<int:program_id>/", views.program, name="program"),
    path("health/program/<int:program_id>/fade/", views.fade, name="fade"),
    path("health/program/<int:program_id>/settings/", views.settings_edit, name="settings"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/ack/", views.ack, name="ack"),
    path("alerts/<int:alert_id>/snooze/", views.snooze, name="snooze"),
]
