from __future__ import annotations

from django.urls import path

from sustain.refreshers import views

app_name = "refreshers"
urlpatterns = [
    path("", views.due, name="due"),
    path("<int:question_id>/answer/", views.answer, name="answer"),
    path("program/<int:program_id>/", views.program, name="program"),
]
