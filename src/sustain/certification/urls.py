from __future__ import annotations

from django.urls import path

from sustain.certification import views

app_name = "certification"
urlpatterns = [
    path("program/<int:program_id>/", views.program_certification, name="program"),
    path("program/<int:program_id>/quiz/", views.quiz, name="quiz"),
    path("program/<int:program_id>/cases/", views.cases, name="cases"),
    path("program/<int:program_id>/cases/new/", views.case_create, name="case_create"),
    path("program/<int:program_id>/policy/", views.policy_edit, name="policy"),
    path("program/<int:program_id>/managers/<int:manager_id>/assess/", views.assess, name="assess"),
    path("program/<int:program_id>/cases/retake/", views.case_retake, name="case_retake"),
    path("cases/<int:case_id>/answer/", views.case_answer, name="case_answer"),
]
