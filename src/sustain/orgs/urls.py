from __future__ import annotations

from django.urls import path

from sustain.orgs import views

app_name = "orgs"
urlpatterns = [
    path("organization/", views.organization_edit, name="organization"),
    path("organization/regions/", views.region_create, name="region_create"),
    path("organization/regions/<int:region_id>/", views.region_edit, name="region_edit"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:person_id>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("teams/", views.teams_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
