from __future__ import annotations

from django.urls import path

from sustain.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.programs_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("<int:program_id>/", views.program_detail, name="detail"),
    path("<int:program_id>/edit/", views.program_edit, name="edit"),
    path("<int:program_id>/concepts/new/", views.concept_create, name="concept_create"),
    path("<int:program_id>/sessions/new/", views.session_create, name="session_create"),
    path("<int:program_id>/enrollments/new/", views.enrollments_add, name="enroll"),
    path("enrollments/<int:enrollment_id>/", views.enrollment_row, name="enrollment_row"),
    path("concepts/<int:concept_id>/edit/", views.concept_edit, name="concept_edit"),
    path("concepts/<int:concept_id>/terms/", views.term_create, name="term_create"),
]
