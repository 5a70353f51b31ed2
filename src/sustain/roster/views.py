"""The roster import page: upload, preview (a dry run), confirm."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sustain.lib.uploads import TABLE_SUFFIXES
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Organization
from sustain.roster import services
from sustain.roster.forms import RosterMappingForm, RosterUploadForm
from sustain.roster.importer import ALIASES
from sustain.web.forms import call_service


def _admin_organization(request: AuthenticatedHttpRequest) -> Organization:
    org = access.get_organization_for(request.user)
    if not access.can_import_people(request.user):
        raise PermissionDenied("Only admins import the roster.")
    return org


def _staged(org: Organization, key: str) -> str:
    """The storage name of a file uploaded for preview; only its own organization's."""
    name = f"roster-imports/{org.pk}/{Path(key).name}"
    if (
        not key
        or Path(key).suffix.lower() not in TABLE_SUFFIXES
        or not default_storage.exists(name)
    ):
        raise Http404("This upload has expired: upload the file again.")
    return name


@login_required
def roster_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload → preview (what would be created, updated, unchanged, deactivated, or every
    error with its row and column) → confirm."""
    org = _admin_organization(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "aliases": ALIASES}
    mapping = services.roster_mapping_get(organization=org)
    context["mapping_form"] = RosterMappingForm(
        initial={**mapping.columns, "date_order": mapping.date_order}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        key = uuid.uuid4().hex + Path(upload.name).suffix.lower()
        context.update(key=key, deactivate_missing=form.cleaned_data["deactivate_missing"])
        try:
            context["result"] = services.roster_import(
                organization=org,
                data=data,
                filename=upload.name,
                dry_run=True,
                deactivate_missing=form.cleaned_data["deactivate_missing"],
                by=request.user,
            )
        except services.RosterRejected as exc:
            context["errors"] = exc.errors
            return render(request, "roster/import.html", context, status=400)
        default_storage.save(f"roster-imports/{org.pk}/{key}", ContentFile(data))
    return render(request, "roster/import.html", context)


@login_required
@require_POST
def roster_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _admin_organization(request)
    name = _staged(org, request.POST.get("key", ""))
    with default_storage.open(name, "rb") as staged:
        data = staged.read()
    deactivate = request.POST.get("deactivate_missing") == "1"
    try:
        result = services.roster_import(
            organization=org,
            data=data,
            filename=name,
            deactivate_missing=deactivate,
            by=request.user,
        )
    except services.RosterRejected as exc:
        # The organization changed since the preview: say what is wrong now.
        return render(
            request,
            "roster/import.html",
            {"form": RosterUploadForm(), "errors": exc.errors, "aliases": ALIASES},
            status=400,
        )
    default_storage.delete(name)
    # Kept for "invite everyone imported" on the next page.
    imported = default_storage.save(name + ".imported", ContentFile("\n".join(result.emails)))
    messages.success(
        request,
        f"Roster imported: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.deactivated} deactivated.",
    )
    return render(request, "roster/done.html", {"result": result, "imported": Path(imported).name})


@login_required
@require_POST
def roster_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Invite everyone the import brought in who has never signed in."""
    org = _admin_organization(request)
    key = Path(request.POST.get("key", "")).name
    name = f"roster-imports/{org.pk}/{key}"
    if not key.endswith(".imported") or not default_storage.exists(name):
        raise Http404("This import is too old to invite from: invite from the people page.")
    with default_storage.open(name, "rb") as saved:
        emails = [e for e in saved.read().decode().splitlines() if e]
    invited = services.roster_invite(organization=org, emails=emails, by=request.user)
    default_storage.delete(name)
    messages.success(request, f"Invitations sent to {invited} people who had never signed in.")
    return redirect("orgs:people")


@login_required
@require_POST
def roster_mapping(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = _admin_organization(request)
    form = RosterMappingForm(request.POST)
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.roster_mapping_save(
                organization=org, columns=form.columns(), date_order=form.cleaned_data["date_order"]
            ),
        )
        if saved is not None:
            messages.success(request, "Column mapping saved: the next import uses it.")
            return redirect("roster:import")
    return render(
        request,
        "roster/import.html",
        {
            "form": RosterUploadForm(),
            "mapping_form": form,
            "aliases": ALIASES,
            "open_mapping": True,
        },
        status=400,
    )
