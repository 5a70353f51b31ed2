from __future__ import annotations

from django.urls import path

from sustain.refreshers import views

app_name = "refreshers"
urlpatterns = [
    path("", views.due, name="due"),
    path("<int:question_id>/answer/", views.answer, name="answer"),
    path("program/<int:program_id>/", views.program, name="program"),
    path("program/<int:program_id>/questions/", views.bank, name="bank"),
    path("program/<int:program_id>/questions/import/", views.bank_import, name="bank_import"),
    path("questions/template.csv", views.bank_template, name="bank_template"),
    path("concepts/<int:concept_id>/questions/new/", views.question_create, name="question_create"),
    path("questions/<int:question_id>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
    path("questions/<int:question_id>/preview/", views.question_preview, name="question_preview"),
]
