"""Program pages: overview with concepts and glossary, sessions and enrollment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Role
from sustain.programs import selectors, services
from sustain.programs.forms import (
    ConceptForm,
    EnrollFilterForm,
    EnrollForm,
    EnrollmentRowForm,
    GlossaryTermForm,
    ProgramForm,
    SessionForm,
)
from sustain.programs.tabs import program_tabs
from sustain.web.formfields import TYPED_SUFFIX, lookup_suggestions
from sustain.web.forms import call_service, form_page
from sustain.web.pagination import page_of


@login_required
def programs_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/list.html",
        {
            "programs": selectors.programs_list(viewer=request.user),
            "can_create": access.can_create_program(request.user),
        },
    )


@login_required
def program_detail(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    summary = selectors.enrollment_summary(program=program)
    pages = selectors.enrollment_pages(viewer=request.user, program=program, summary=summary)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "concepts": selectors.concepts_with_terms(program=program),
            "sessions": list(program.sessions.all()),
            "summary": summary,
            "enrollments": page_of(request, pages),
            "sees_individuals": access.sees_individuals(request.user),
            "can_edit": access.can_edit_program(request.user, program),
            "sees_costs": access.sees_impact_costs(request.user, program),
            "term_form": GlossaryTermForm(),
            "tabs": program_tabs(request.user, program),
        },
    )


@login_required
def program_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_create_program(request.user):
        raise PermissionDenied
    org = access.get_organization_for(request.user)
    return form_page(
        request,
        ProgramForm(request.POST or None, organization=org),
        lambda data: services.program_create(organization=org, **data),
        done=lambda program: reverse("programs:detail", args=[program.pk]),
        message="Program created.",
        title="New program",
        back_url=reverse("programs:list"),
    )


@login_required
def program_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    back = reverse("programs:detail", args=[program.pk])
    form = ProgramForm(request.POST or None, instance=program, organization=program.organization)
    return form_page(
        request,
        form,
        lambda data: services.program_update(program=program, data=data, by=request.user),
        done=lambda _: back,
        message="Program saved.",
        title=f"Edit {program.name}",
        back_url=back,
    )


@login_required
def concept_create(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    back = reverse("programs:detail", args=[program.pk])
    form = ConceptForm(request.POST or None, initial={"position": program.concepts.count()})
    return form_page(
        request,
        form,
        lambda data: services.concept_create(program=program, **data),
        done=lambda _: back + "#concepts",
        title="Add a concept",
        back_url=back,
    )


@login_required
def concept_edit(request: AuthenticatedHttpRequest, concept_id: int) -> HttpResponse:
    concept = access.get_concept_for(request.user, concept_id, write=True)
    back = reverse("programs:detail", args=[concept.program_id])
    return form_page(
        request,
        ConceptForm(request.POST or None, instance=concept),
        lambda data: services.concept_update(concept=concept, data=data),
        done=lambda _: back + "#concepts",
        title=f"Edit {concept.name}",
        back_url=back,
    )


@login_required
@require_POST
def term_create(request: AuthenticatedHttpRequest, concept_id: int) -> HttpResponse:
    """HTMX: adds a glossary term and re-renders the concept's glossary in place."""
    concept = access.get_concept_for(request.user, concept_id, write=True)
    form = GlossaryTermForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if call_service(form, lambda: services.glossary_term_create(concept=concept, **data)):
            form = GlossaryTermForm()
    status = 200 if not form.errors else 400
    if not request.htmx:
        if form.errors:
            messages.error(
                request, "; ".join(str(e) for errs in form.errors.values() for e in errs)
            )
        return redirect(reverse("programs:detail", args=[concept.program_id]) + "#concepts")
    return render(
        request,
        "programs/detail.html#glossary",
        {
            "concept": concept,
            "term_form": form,
            "can_edit": True,
        },
        status=status,
    )


@login_required
def session_create(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    back = reverse("programs:detail", args=[program.pk])
    return form_page(
        request,
        SessionForm(request.POST or None),
        lambda data: services.session_create(program=program, **data),
        done=lambda _: back + "#sessions",
        title="Add a workshop session",
        back_url=back,
    )


SHOWN_AT_MOST = 500
# What the candidates list carries into "enroll everyone matching": the filters, and the
# lookup fields' marks that a team or region was typed (so "2026" stays a name, not a pk).
ENROLL_FILTERS = ("q", "team", "region", "role", "team" + TYPED_SUFFIX, "region" + TYPED_SUFFIX)


@login_required
def enrollments_add(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Enroll from a filterable list (tick people, or everyone shown) or a whole group."""
    program = access.get_program_for(request.user, program_id, write=True)
    form = EnrollForm(request.POST or None, program=program, viewer=request.user)
    suggestions = lookup_suggestions(request, form)
    if suggestions is not None:
        return suggestions
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form,
            lambda: services.enrollments_add_group(
                program=program, people=form.group(), session=form.cleaned_data["session"]
            ),
        )
        if result is not None:
            already = (
                f" ({result.already_enrolled} already were)" if result.already_enrolled else ""
            )
            messages.success(request, f"Enrolled {len(result.created)}{already}.")
            return redirect(reverse("programs:detail", args=[program.pk]) + "#enrollment")
    filters: EnrollFilterForm = (
        form
        if request.method == "POST"
        else EnrollFilterForm(request.GET, program=program, viewer=request.user, auto_id="f-%s")
    )
    matching = filters.matching()
    shown = list(matching[:SHOWN_AT_MOST])
    context = {
        "program": program,
        "form": form,
        "filters": filters,
        "shown": shown,
        # Counting means checking every person against the program's enrollments again:
        # only when the list is cut.
        "n_matching": matching.count() if len(shown) == SHOWN_AT_MOST else len(shown),
        "filter_values": {k: filters.data[k] for k in ENROLL_FILTERS if filters.data.get(k)},
        # The "enroll a group" form: the same fields, unbound, with ids of their own.
        "group": EnrollFilterForm(program=program, viewer=request.user, auto_id="g-%s"),
        "roles": Role.choices,
        "sessions": program.sessions.all(),
    }
    template = "programs/enroll.html#candidates" if request.htmx else "programs/enroll.html"
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
@require_POST
def enrollment_row(request: AuthenticatedHttpRequest, enrollment_id: int) -> HttpResponse:
    """HTMX: assign a session or mark attended / missed; re-renders the row."""
    enrollment = access.get_enrollment_for(request.user, enrollment_id, write=True)
    form = EnrollmentRowForm(request.POST, program=enrollment.program)
    if form.is_valid():
        changes = form.changes()
        call_service(form, lambda: services.enrollment_update(enrollment=enrollment, data=changes))
    if form.errors:
        enrollment.refresh_from_db()
    if not request.htmx:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return redirect(reverse("programs:detail", args=[enrollment.program_id]) + "#enrollment")
    return render(
        request,
        "programs/detail.html#enrollment_row",
        {
            "e": enrollment,
            "can_edit": True,
            "sessions": enrollment.program.sessions.all(),
            "row_errors": [str(e) for errs in form.errors.values() for e in errs],
        },
        status=400 if form.errors else 200,
    )
