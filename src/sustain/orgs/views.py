"""Pages for the organization, people and teams. Thin: authorize through `access`,
validate a form, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sustain.orgs import access, selectors, services
from sustain.orgs.forms import (
    OrganizationForm,
    PersonForm,
    RegionForm,
    RegionRenameForm,
    TeamForm,
    TokenForm,
)
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Role
from sustain.web.forms import call_service, form_page
from sustain.web.pagination import page_of


@login_required
def organization_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = access.get_organization_for(request.user, write=True)
    form = OrganizationForm(request.POST or None, instance=org)
    return form_page(
        request,
        form,
        lambda data: services.organization_update(organization=org, data=data),
        done=reverse("orgs:organization"),
        message="Organization saved.",
        template="orgs/organization.html",
        region_form=RegionForm(),
        regions=page_of(request, selectors.regions_list(viewer=request.user)),
        can_edit_regions=access.can_create_regions(request.user),
    )


@login_required
@require_POST
def region_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_region_creation(request.user)
    org = access.get_organization_for(request.user)
    form = RegionForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        if call_service(form, lambda: services.region_create(organization=org, name=name)):
            messages.success(request, f"Region {name} added.")
            return redirect("orgs:organization")
    return render(
        request,
        "orgs/organization.html",
        {
            "form": OrganizationForm(instance=org),
            "region_form": form,
            "regions": page_of(request, selectors.regions_list(viewer=request.user)),
            "can_edit_regions": True,
        },
        status=400,
    )


@login_required
def region_edit(request: AuthenticatedHttpRequest, region_id: int) -> HttpResponse:
    region = access.get_region_for(request.user, region_id, write=True)
    back = reverse("orgs:organization")
    return form_page(
        request,
        RegionRenameForm(request.POST or None, instance=region),
        lambda data: services.region_update(region=region, name=data["name"]),
        done=lambda _: back,
        message="Region renamed.",
        title=f"Rename {region.name}",
        back_url=back,
    )


ACTIVE_FILTER = {"yes": True, "no": False}


@login_required
def people_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.sees_individuals(request.user):
        raise PermissionDenied
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "role", "team", "active")}
    people = selectors.people_list(
        viewer=request.user,
        role=filters["role"] or None,
        q=filters["q"],
        team=filters["team"],
        active=ACTIVE_FILTER.get(filters["active"]),
    )
    template = "orgs/people.html#results" if request.htmx else "orgs/people.html"
    return render(
        request,
        template,
        {
            "page": page_of(request, people.order_by("name", "pk")),
            "filters": filters,
            "roles": Role.choices,
            "can_edit": access.can_edit_people(request.user),
        },
    )


@login_required
def person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    return render(
        request,
        "orgs/person.html",
        {
            "person": person,
            "can_edit": access.can_edit_people(request.user),
            "can_change_active": access.can_change_active(request.user, person),
        },
    )


def _person_active_page(
    request: AuthenticatedHttpRequest, person_id: int, *, active: bool
) -> HttpResponse:
    """GET: what (de)activation does, and a button; POST: do it."""
    person = access.get_person_for(request.user, person_id)
    access.require_active_change(request.user, person)
    error = None
    if request.method == "POST":
        change = services.person_reactivate if active else services.person_deactivate
        try:
            change(person=person, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            done = "reactivated" if active else "deactivated"
            messages.success(request, f"{person.name} is {done}.")
            return redirect("orgs:person", person.pk)
    return render(
        request,
        "orgs/person_active.html",
        {"person": person, "active": active, "error": error},
        status=400 if error else 200,
    )


@login_required
def person_deactivate(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    return _person_active_page(request, person_id, active=False)


@login_required
def person_reactivate(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    return _person_active_page(request, person_id, active=True)


@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_edit_people(request.user):
        raise PermissionDenied
    org = access.get_organization_for(request.user)
    return form_page(
        request,
        PersonForm(request.POST or None, organization=org, viewer=request.user),
        lambda data: services.person_create(organization=org, by=request.user, **data),
        done=lambda person: reverse("orgs:person", args=[person.pk]),
        message="Person added.",
        title="Add a person",
        back_url=reverse("orgs:people"),
    )


@login_required
def person_edit(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for(request.user, person_id, write=True)
    assert person.organization is not None  # access gives people of the viewer's organization
    back = reverse("orgs:person", args=[person.pk])
    return form_page(
        request,
        PersonForm(
            request.POST or None,
            instance=person,
            organization=person.organization,
            viewer=request.user,
        ),
        lambda data: services.person_update(person=person, data=data, by=request.user),
        done=lambda _: back,
        message="Saved.",
        title=f"Edit {person.name}",
        back_url=back,
    )


@login_required
def teams_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    teams = selectors.teams_list(viewer=request.user, q=q).order_by("name", "pk")
    template = "orgs/teams.html#results" if request.htmx else "orgs/teams.html"
    return render(
        request,
        template,
        {
            "page": page_of(request, teams),
            "q": q,
            "can_edit": access.can_edit_teams(request.user),
        },
    )


@login_required
def team_detail(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = access.get_team_for(request.user, team_id)
    return render(
        request,
        "orgs/team.html",
        {
            "team": selectors.team_with_members(viewer=request.user, team=team),
            "can_edit": access.can_edit_teams(request.user),
        },
    )


@login_required
def team_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_edit_teams(request.user):
        raise PermissionDenied
    org = access.get_organization_for(request.user)
    return form_page(
        request,
        TeamForm(request.POST or None, organization=org),
        lambda data: services.team_create(organization=org, **data),
        done=lambda team: reverse("orgs:team", args=[team.pk]),
        message="Team created.",
        title="New team",
        back_url=reverse("orgs:teams"),
    )


@login_required
def team_edit(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    team = access.get_team_for(request.user, team_id, write=True)
    back = reverse("orgs:team", args=[team.pk])
    return form_page(
        request,
        TeamForm(request.POST or None, instance=team, organization=team.organization),
        lambda data: services.team_update(team=team, data=data),
        done=lambda _: back,
        message="Saved.",
        title=f"Edit {team.name}",
        back_url=back,
    )


def _tokens_page(
    request: AuthenticatedHttpRequest, form: TokenForm, **extra: object
) -> HttpResponse:
    viewer = request.user
    tokens = access.tokens_visible_to(viewer)
    return render(
        request,
        "orgs/tokens.html",
        {
            "form": form,
            "mine": tokens.filter(person=viewer),
            "others": tokens.exclude(person=viewer).order_by("person__name", "-created_at"),
            **extra,
        },
        status=400 if form.errors else 200,
    )


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your API tokens; an admin also sees and revokes everyone's in the organization.
    A new token's secret is shown on this response only."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        issued = call_service(
            form,
            lambda: services.api_token_issue(
                person=request.user,
                label=data["name"],
                expires_in_days=data["expires_in_days"],
                by=request.user,
            ),
        )
        if issued is not None:
            token, raw = issued
            return _tokens_page(request, TokenForm(), new_token=token, secret=raw)
    return _tokens_page(request, form)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = access.get_token_for(request.user, token_id)
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, f"Token “{token.label}” revoked.")
    return redirect("orgs:tokens")
