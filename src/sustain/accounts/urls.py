from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from sustain.accounts import sso, views

# No namespace: `login` and `logout` are the names Django's settings refer to.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/forgot/", views.password_forgot, name="password_forgot"),
    path("password/set/<str:uidb64>/<str:token>/", views.password_set, name="password_set"),
    path("sso/start/", sso.SsoStart.as_view(), name="sso_start"),
    path("sso/callback/", sso.SsoCallback.as_view(), name="sso_callback"),
    path("sso/refused/", views.sso_refused, name="sso_refused"),
    path("people/invite/", views.organization_invite, name="organization_invite"),
    path("people/<int:person_id>/invite/", views.person_invite, name="person_invite"),
    path("people/<int:person_id>/unlock/", views.person_unlock, name="person_unlock"),
    path("teams/<int:team_id>/invite/", views.team_invite, name="team_invite"),
]
