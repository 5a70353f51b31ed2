"""Adoption pages: a program's adoption (scoped to who is looking), a call with its
detections and one-click labels, uploads, re-scoring, the retention setting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sustain.adoption import charts, detectors, selectors, services
from sustain.adoption.forms import CallUploadForm, RetentionForm
from sustain.adoption.models import Call
from sustain.orgs import access, privacy
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Person, Role, Team
from sustain.programs.models import Program
from sustain.programs.tabs import program_tabs
from sustain.web.forms import call_service


def _upload_reps(viewer: Person, program: Program) -> QuerySet[Person]:
    return access.people_visible_to(viewer).filter(
        role=Role.REP, enrollments__program=program, is_active=True
    )


# A <select> lists at most this many teams or reps; past that the page offers a search
# (an organization may have 100,000 reps) and lists at most MAX_MATCHES of what it finds.
MAX_CHOICES = 200
MAX_MATCHES = 20
M = TypeVar("M", bound=Model)


def _bounded(rows: QuerySet[M], key: Callable[[M], str]) -> list[M] | None:
    """The rows sorted by `key` when there are at most MAX_CHOICES of them, else None: too
    many to list. Read unordered, so the database stops at MAX_CHOICES + 1 rows instead of
    sorting them all."""
    out = list(rows.order_by()[: MAX_CHOICES + 1])
    return sorted(out, key=key) if len(out) <= MAX_CHOICES else None


@dataclass
class _Scope:
    """What the page is narrowed to (a team, a rep, both or neither), and the choices
    offered: a list, or None where there are too many and a search is offered instead."""

    team: Team | None = None
    rep: Person | None = None
    teams: list[Team] | None = field(default_factory=list)
    reps: list[Person] | None = field(default_factory=list)
    query: str = ""
    found_teams: list[Team] = field(default_factory=list)
    found_reps: list[Person] = field(default_factory=list)

    @property
    def upload_reps(self) -> list[Person]:
        """Whom the upload form offers: the reps listed, else the rep narrowed to."""
        if self.reps is not None:
            return self.reps
        return [self.rep] if self.rep is not None else []


def _scope(request: AuthenticatedHttpRequest, program: Program) -> _Scope:
    """Narrowed to one team or one rep the viewer may see (404 otherwise)."""
    viewer = request.user
    scope = _Scope()
    if not access.sees_individuals(viewer):
        return scope
    if request.GET.get("team"):
        scope.team = access.get_team_for(viewer, request.GET["team"])
    if request.GET.get("rep"):
        scope.rep = access.get_rep_for(viewer, request.GET["rep"])
    reps = _upload_reps(viewer, program)
    scope.teams = _bounded(access.teams_visible_to(viewer), key=attrgetter("name"))
    scope.reps = _bounded(reps.filter(team=scope.team) if scope.team else reps, attrgetter("name"))
    scope.query = request.GET.get("q", "").strip()[:100]
    if scope.query:
        teams = access.teams_visible_to(viewer).filter(name__icontains=scope.query)
        scope.found_teams = list(teams[:MAX_MATCHES])
        scope.found_reps = list(reps.filter(name__icontains=scope.query)[:MAX_MATCHES])
    return scope


def _upload_form(
    request: AuthenticatedHttpRequest, program: Program, scope: _Scope
) -> CallUploadForm:
    """Validated against every rep the viewer may upload for; offering the scope's."""
    posted = request.method == "POST"
    form = CallUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        reps=_upload_reps(request.user, program),
        initial={"rep": scope.rep.pk if scope.rep else None},
    )
    form.fields["rep"].widget.choices = [("", "---------")] + [
        (r.pk, r.name) for r in scope.upload_reps
    ]
    return form


def _upload(
    request: AuthenticatedHttpRequest, program: Program, form: CallUploadForm
) -> HttpResponse | None:
    """Store the valid form's calls and redirect; None when the service refused them (the
    reason is on the form)."""
    uploads = [services.Upload(f.name, services.read_upload(f)) for f in form.cleaned_data["files"]]
    created = call_service(
        form,
        lambda: services.calls_create(
            uploaded_by=request.user,
            program=program,
            rep=form.cleaned_data["rep"],
            date=form.cleaned_data["date"],
            uploads=uploads,
        ),
    )
    if created is None:
        return None
    messages.success(request, f"{len(created)} call(s) uploaded; scoring them now.")
    return redirect("adoption:program", program.pk)


@login_required
def program_adoption(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    viewer = request.user
    program = access.get_program_for(viewer, program_id)
    individual = access.sees_individuals(viewer)
    # The trainer reads the whole program's figures, and only over enough reps.
    calls = access.calls_visible_to(viewer) if individual else Call.objects.filter(program=program)
    scope = _scope(request, program)
    if scope.team is not None:
        calls = calls.filter(rep__team=scope.team)
    if scope.rep is not None:
        calls = calls.filter(rep=scope.rep)
    # The trainer reads aggregates only, from the organization's minimum group size up.
    enough = individual or privacy.shown(
        viewer, selectors.reps_with_calls(program), organization=program.organization
    )
    form = _upload_form(request, program, scope) if individual else None
    if form is not None and form.is_bound and form.is_valid():
        uploaded = _upload(request, program, form)
        if uploaded is not None:
            return uploaded
    rows = selectors.adoption_rows(program, calls) if enough else []
    calibration = {r.concept.pk: r for r in selectors.calibration(program)}
    shares = selectors.concept_shares(program, calls) if enough else []
    for s in shares:
        s["calibration"] = calibration[s["concept"].pk]
    return render(
        request,
        "adoption/program.html",
        {
            "program": program,
            "tabs": program_tabs(viewer, program),
            "enough": enough,
            "scope": scope,
            "max_matches": MAX_MATCHES,
            "min_group": privacy.min_group_size(program.organization),
            "shares": shares,
            "calibration": calibration.values(),
            "min_labels": selectors.MIN_CALIBRATION_LABELS,
            "detector": detectors.current().name,
            "configured_semantic": detectors.configured() == detectors.SEMANTIC,
            "spec": charts.adoption_spec(rows),
            "form": form,
            "queue": selectors.review_queue(program, calls)
            if viewer.role in access.CALL_LABELER_ROLES
            else [],
            "recent": selectors.calls_of(calls, program=program)[:25] if individual else [],
            "can_rescore": access.can_rescore_adoption(viewer, program),
            "retention_form": RetentionForm(
                initial={"retention_days": selectors.retention_days(program.organization)}
            )
            if access.can_set_call_retention(viewer)
            else None,
        },
    )


@login_required
def call_detail(request: AuthenticatedHttpRequest, call_id: int) -> HttpResponse:
    access.get_call_for(request.user, call_id)
    call = selectors.calls_of(Call.objects.filter(pk=call_id)).get()
    return render(
        request,
        "adoption/call.html",
        {
            "call": call,
            "rows": _with_calibration(call, selectors.detections_with_labels(call)),
            "can_label": access.can_label_call(request.user, call),
            "min_labels": selectors.MIN_CALIBRATION_LABELS,
        },
    )


def _with_calibration(call: Call, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each concept's agreement with managers beside its detection (after a label too)."""
    calibration = {r.concept.pk: r for r in selectors.calibration(call.program)}
    for row in rows:
        row["calibration"] = calibration.get(row["concept"].pk)
    return rows


@login_required
@require_POST
def label(request: AuthenticatedHttpRequest, call_id: int, concept_id: int) -> HttpResponse:
    call = access.get_call_for(request.user, call_id, label=True)
    concept = access.get_concept_for(request.user, concept_id)
    used = request.POST.get("used")
    if used not in ("yes", "no"):
        return HttpResponse("Say whether the rep used it: used=yes or used=no.", status=400)
    services.label_set(call=call, concept=concept, used=used == "yes", labeled_by=request.user)
    if request.htmx:
        call = selectors.calls_of(Call.objects.filter(pk=call_id)).get()
        row = next(
            r
            for r in _with_calibration(call, selectors.detections_with_labels(call))
            if r["concept"].pk == concept.pk
        )
        return render(
            request,
            "adoption/call.html#row",
            {
                "call": call,
                "row": row,
                "can_label": True,
                "min_labels": selectors.MIN_CALIBRATION_LABELS,
            },
        )
    return redirect("adoption:call", call.pk)


@login_required
@require_POST
def rescore(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    from sustain.adoption.tasks import rescore_program

    program = access.get_program_for(request.user, program_id)
    if not access.can_rescore_adoption(request.user, program):
        raise PermissionDenied
    transaction.on_commit(lambda: rescore_program.enqueue(program.pk))
    messages.success(request, "Re-scoring the program's calls with the labels so far.")
    return redirect("adoption:program", program.pk)


@login_required
@require_POST
def retention(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    if not access.can_set_call_retention(request.user):
        raise PermissionDenied
    form = RetentionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    services.retention_set(
        organization=program.organization, retention_days=form.cleaned_data["retention_days"]
    )
    messages.success(request, "Transcript retention saved.")
    return redirect("adoption:program", program.pk)
