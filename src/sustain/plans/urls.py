from __future__ import annotations

from django.urls import path

from sustain.plans import views

app_name = "plans"
urlpatterns = [
    path("me/", views.plan_mine, name="mine"),
    path("team/", views.team_page, name="team"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/commit/", views.plan_commit, name="commit"),
    path("<int:plan_id>/check-in/", views.plan_check_in, name="check_in"),
    path("<int:plan_id>/phases/", views.plan_phases, name="phases"),
    path("<int:plan_id>/restart/", views.plan_restart, name="restart"),
    path("<int:plan_id>/below-quota/", views.plan_below_quota, name="below_quota"),
    path("<int:plan_id>/items/", views.plan_item_add, name="item_add"),
    path("program/<int:program_id>/", views.program_plans, name="program"),
    path("program/<int:program_id>/generate/", views.program_plans_generate, name="generate"),
]
