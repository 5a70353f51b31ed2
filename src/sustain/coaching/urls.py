from __future__ import annotations

from django.urls import path

from sustain.coaching import views

app_name = "coaching"
urlpatterns = [
    path("program/<int:program_id>/", views.program_coaching, name="program"),
    path("program/<int:program_id>/policy/", views.policy_edit, name="policy"),
    path(
        "concepts/<int:concept_id>/behaviours/new/", views.behaviour_create, name="behaviour_create"
    ),
    path("reps/<int:rep_id>/", views.rep_coaching, name="rep"),
    path("reps/<int:rep_id>/observe/", views.observation_create, name="observe"),
    path("actions/<int:action_id>/done/", views.action_done, name="action_done"),
    path("observations/<int:observation_id>/", views.observation_detail, name="observation"),
]
