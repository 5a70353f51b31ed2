"""Sign-in pages: the first-run page, login, forgotten and new passwords, invitations and
lockouts. Thin: authorize through `access`, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from sustain.accounts import services, sso, throttling
from sustain.accounts.forms import EmailForm
from sustain.accounts.links import LinkState, link_check
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Organization
from sustain.web.forms import form_page


def _sign_in_context() -> dict[str, Any]:
    return {
        "sso_name": sso.provider_name() if sso.enabled() else "",
        "cooloff_minutes": throttling.cooloff_minutes(),
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not Organization.objects.exists():
            # Nobody could sign in: say how to create the organization instead.
            return render(request, "accounts/first_run.html", status=503)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"username": self.request.GET.get("email", "")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **_sign_in_context()}


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes calls this when a sign-in is refused for too many failures."""
    return render(
        request,
        "accounts/login.html",
        {
            "form": AuthenticationForm(
                request, initial={"username": request.POST.get("username", "")}
            ),
            "locked": True,
            **_sign_in_context(),
        },
        status=429,
    )


def password_forgot(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        # The same answer whether or not the address is known: no account enumeration.
        return render(
            request, "accounts/password_forgot_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "accounts/password_forgot.html", {"form": form})


def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if request.user.is_authenticated:
        # The link is for one person: whoever is signed in in this browser steps aside.
        logout(request)
    check = link_check(uidb64, token)
    if check.state != LinkState.VALID or check.person is None:
        return render(request, "accounts/link_invalid.html", {"state": check.state}, status=410)
    person = check.person
    return form_page(
        request,
        SetPasswordForm(person, request.POST or None),
        lambda d: services.password_set(person=person, password=d["new_password1"]),
        done=reverse("login") + "?" + urlencode({"email": person.email}),
        message="Your password is set. Sign in with it now.",
        template="accounts/password_set.html",
        person=person,
        first_time=person.last_login is None,
    )


def sso_refused(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/sso_refused.html",
        {"email": request.session.pop(sso.REFUSED_EMAIL, None), "provider": sso.provider_name()},
        status=403,
    )


@login_required
@require_POST
def person_invite(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    if not access.can_invite(request.user, person):
        raise PermissionDenied
    try:
        services.invitation_send(person=person, invited_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation sent to {person.email}.")
    return redirect("orgs:person", person.pk)


@login_required
@require_POST
def organization_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The go-live checklist's button: invite everyone never invited and never signed in."""
    organization = request.user.organization
    if organization is None or not access.can_invite(request.user, organization):
        raise PermissionDenied
    try:
        sent = services.organization_invite(organization=organization, invited_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
    return redirect("home")


@login_required
@require_POST
def team_invite(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = access.get_team_for(request.user, team_id)
    if not access.can_invite(request.user, team):
        raise PermissionDenied
    sent = services.team_invite(team=team, invited_by=request.user)
    messages.success(request, f"{sent} invitation{'s' if sent != 1 else ''} sent.")
    return redirect("orgs:team", team.pk)


@login_required
@require_POST
def person_unlock(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    if not access.can_unlock_sign_in(request.user, person):
        raise PermissionDenied
    services.login_unlock(person=person)
    messages.success(request, f"{person.name} can sign in again.")
    return redirect("orgs:person", person.pk)
