"""Certification pages: every manager's status per program, the glossary quiz, the
diagnosis cases, the role-play assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sustain.certification import selectors, services
from sustain.certification.forms import (
    AssessmentForm,
    CaseAnswerForm,
    CaseForm,
    PolicyForm,
    QuizForm,
)
from sustain.certification.models import CertificationPolicy
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Role
from sustain.programs.selectors import program_settings
from sustain.programs.tabs import program_tabs
from sustain.web.forms import call_service, form_page
from sustain.web.pagination import page_of


@login_required
def program_certification(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    if not access.sees_program_certification(request.user, program):
        raise PermissionDenied("Certification is for managers.")
    managers = access.managers_certifiable_by(request.user, program).order_by("name", "pk")
    today = timezone.localdate()
    page = page_of(request, managers)
    rows = selectors.certification_rows(program=program, managers=page.object_list, today=today)
    counts = selectors.status_counts(program=program, managers=managers, today=today)
    services.cadence_today_request(program=program, today=today)
    return render(
        request,
        "certification/program.html",
        {
            "program": program,
            "tabs": program_tabs(request.user, program),
            "rows": rows,
            "page": page,
            "counts": counts,
            "policy": program_settings(program, CertificationPolicy),
            "is_manager": access.takes_certification(request.user, program),
            "manager_not_enrolled": (
                request.user.role == Role.MANAGER
                and not access.takes_certification(request.user, program)
            ),
            "can_assess": access.can_assess(request.user, program),
            "can_edit": access.can_edit_program(request.user, program),
            "cases": program.diagnosis_cases.all(),
        },
    )


def _back(program_id: int) -> str:
    return reverse("certification:program", args=[program_id])


@login_required
def quiz(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, request.user.pk)
    form = QuizForm(request.POST or None, questions=selectors.quiz_questions(program=program))
    return form_page(
        request,
        form,
        lambda _data: services.terminology_submit(
            program=program, manager=manager, answers=form.answers()
        ),
        done=_back(program.pk),
        message=lambda attempt: (
            f"Glossary quiz: {attempt.correct} of {attempt.total} correct ({attempt.pct}%)."
        ),
        title=f"Glossary quiz · {program.name}",
        back_url=_back(program.pk),
        submit="Submit answers",
    )


@login_required
def cases(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, request.user.pk)
    attempts = selectors.diagnosis_attempts(program=program, manager=manager)
    current = attempts[0] if attempts else None
    answers = current["answers"] if current else {}
    return render(
        request,
        "certification/cases.html",
        {
            "program": program,
            "form": CaseAnswerForm(),
            "current": current,
            "history": attempts[1:],
            "cases": [(c, answers.get(c.pk)) for c in program.diagnosis_cases.all()],
        },
    )


@login_required
@require_POST
def case_answer(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = access.get_diagnosis_case_for(request.user, case_id)
    manager = access.get_manager_for(request.user, case.program, request.user.pk)
    form = CaseAnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        call_service(form, lambda: services.diagnosis_answer(case=case, manager=manager, **data))
    if form.errors:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("certification:cases", args=[case.program_id]) + f"#case-{case.pk}")


@login_required
@require_POST
def case_retake(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, request.user.pk)
    try:
        attempt = services.diagnosis_retake(program=program, manager=manager)
        messages.success(request, f"Attempt {attempt.number} started.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("certification:cases", args=[program.pk]))


@login_required
def case_create(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    form = CaseForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.diagnosis_case_create(program=program, **data),
        done=_back(program.pk),
        title="New diagnosis case",
        back_url=_back(program.pk),
    )


@login_required
def assess(request: AuthenticatedHttpRequest, program_id: int, manager_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    manager = access.get_manager_for(request.user, program, manager_id)
    if not access.can_assess(request.user, program):
        raise PermissionDenied("Only the program owner or the trainer assesses role-plays.")
    form = AssessmentForm(request.POST or None, concepts=list(program.concepts.all()))
    return form_page(
        request,
        form,
        lambda d: services.role_model_assess(
            program=program,
            manager=manager,
            assessor=request.user,
            date=d["date"],
            scores=form.scores(),
            notes=d["notes"],
        ),
        done=_back(program.pk),
        message=f"Role-play of {manager.name} assessed.",
        title=f"Assess {manager.name}'s role-play",
        intro="Score her own role-play on the coaching rubric.",
        back_url=_back(program.pk),
    )


@login_required
def policy_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    form = PolicyForm(request.POST or None, instance=program_settings(program, CertificationPolicy))
    return form_page(
        request,
        form,
        lambda data: services.certification_policy_set(program=program, data=data),
        done=_back(program.pk),
        title="Certification pass marks",
        back_url=_back(program.pk),
    )
