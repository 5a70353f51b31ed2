from __future__ import annotations

from django.urls import path

from sustain.readiness import views

app_name = "readiness"
urlpatterns = [
    path("<int:program_id>/", views.prepare, name="prepare"),
    path("<int:program_id>/owner/", views.owner_edit, name="owner"),
    path("<int:program_id>/settings/", views.settings_edit, name="settings"),
    path("<int:program_id>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:program_id>/needs/", views.needs_edit, name="needs"),
    path("<int:program_id>/why/", views.why_edit, name="why"),
    path("<int:program_id>/touches/new/", views.touch_create, name="touch_create"),
    path("touches/<int:touch_id>/edit/", views.touch_edit, name="touch_edit"),
    path("<int:program_id>/expectations/<str:role>/", views.expectation_edit, name="expectation"),
    path("<int:program_id>/panel/new/", views.panel_create, name="panel_create"),
    path("<int:program_id>/reinforcement/", views.reinforcement_edit, name="reinforcement"),
    path("<int:program_id>/measurement/", views.measurement_edit, name="measurement"),
    path("<int:program_id>/brief/", views.brief, name="brief"),
    path("<int:program_id>/managers/", views.managers, name="managers"),
]
