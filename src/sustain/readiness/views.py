"""Readiness and preparation pages. Each form page calls the same service as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.programs.models import Program
from sustain.programs.selectors import program_settings
from sustain.readiness import forms as rforms
from sustain.readiness import selectors, services
from sustain.readiness.checks import training_order_page
from sustain.readiness.models import ExpectationRole, Factor, Goal, ReadinessSettings, Touch
from sustain.web.forms import form_page

# Teams the managers' page lists at once in the training order.
ORDER_PER_PAGE = 50


def _prepare_url(program: Program, anchor: str = "") -> str:
    return reverse("readiness:prepare", args=[program.pk]) + (f"#{anchor}" if anchor else "")


def _form_page(
    request: HttpRequest,
    program: Program,
    form: forms.BaseForm,
    *,
    title: str,
    save: Callable[[dict[str, Any]], object],
    back: str,
    intro: str = "",
) -> HttpResponse:
    """A preparation form: saved, it goes back to its section of the prepare page."""
    return form_page(
        request,
        form,
        save,
        done=back,
        message=f"{title}: saved.",
        title=title,
        intro=intro,
        back_url=back,
        back_label=program.name,
    )


def _initial(program: Program, attr: str, fields: tuple[str, ...]) -> dict[str, Any]:
    row = selectors.one_to_one(program, attr)
    return {f: getattr(row, f) for f in fields} if row else {}


@login_required
def prepare(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_preparation_for(request.user, program_id)
    return render(
        request,
        "readiness/prepare.html",
        {
            "prep": selectors.preparation(program=program, pulse_page=request.GET.get("page")),
            "program": program,
            "can_edit": access.can_edit_program(request.user, program),
            "can_write_text": access.can_write_program_text(request.user, program),
        },
    )


@login_required
def owner_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    initial = _initial(program, "owner_profile", services.OWNER_PROFILE_FIELDS)
    if "has_sales_experience" in initial and initial["has_sales_experience"] is not None:
        initial["has_sales_experience"] = "true" if initial["has_sales_experience"] else "false"
    form = rforms.OwnerProfileForm(request.POST or None, initial=initial)
    owner = program.owner.name if program.owner else "the owner"
    return _form_page(
        request,
        program,
        form,
        title=f"Owner fit: {owner}",
        back=_prepare_url(program, "owner"),
        save=lambda d: services.owner_profile_update(program=program, data=d),
    )


@login_required
def settings_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    access.get_program_preparation_for(request.user, program_id)
    program = access.get_program_text_for(request.user, program_id, write=True)
    form = rforms.SettingsForm(
        request.POST or None, instance=program_settings(program, ReadinessSettings)
    )
    return _form_page(
        request,
        program,
        form,
        title="Readiness thresholds",
        back=_prepare_url(program),
        save=lambda d: services.readiness_settings_update(program=program, data=d),
    )


@login_required
def goal_create(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    form = rforms.GoalForm(request.POST or None)
    return _form_page(
        request,
        program,
        form,
        title="Add a goal",
        back=_prepare_url(program, "goals"),
        intro="A business KPI the program must move, with where it stands today.",
        save=lambda d: services.goal_create(program=program, **d),
    )


@login_required
def goal_edit(request: AuthenticatedHttpRequest, goal_id: int) -> HttpResponse:
    goal = access.get_preparation_part_for(request.user, Goal, goal_id, write=True)
    program = goal.program
    form = rforms.GoalForm(
        request.POST or None, initial={f: getattr(goal, f) for f in services.GOAL_FIELDS}
    )
    return _form_page(
        request,
        program,
        form,
        title=f"Edit goal: {goal.label}",
        back=_prepare_url(program, "goals"),
        save=lambda d: services.goal_update(goal=goal, data=d),
    )


@login_required
def needs_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    initial: dict[str, str | None] = {}
    for n in selectors.needs_context(program=program):
        initial[f"{n.factor}_rating"] = n.rating
        initial[f"{n.factor}_notes"] = n.notes

    def save(data: dict[str, Any]) -> bool:
        for value in Factor.values:
            if data[f"{value}_rating"]:
                services.needs_factor_rate(
                    program=program,
                    factor=value,
                    rating=data[f"{value}_rating"],
                    notes=data[f"{value}_notes"],
                )
        return True

    form = rforms.NeedsForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        program,
        form,
        title="Needs assessment",
        back=_prepare_url(program, "needs"),
        intro="What training cannot fix. Rate each factor and say what you see.",
        save=save,
    )


@login_required
def why_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_text_for(request.user, program_id, write=True)
    initial = _initial(program, "why_message", ("author", "market_change", "status_quo", "body"))
    if not initial and access.can_sign_why(request.user):
        initial["author"] = request.user
    form = rforms.WhyForm(request.POST or None, initial=initial, program=program)
    return _form_page(
        request,
        program,
        form,
        title="The why",
        back=_prepare_url(program, "why"),
        intro="In the reps' terms: what changed in the market, and why the status quo is not okay.",
        save=lambda d: services.why_message_write(program=program, **d),
    )


@login_required
def touch_create(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    form = rforms.TouchForm(request.POST or None, program=program, initial={"sender": request.user})
    return _form_page(
        request,
        program,
        form,
        title="Add a touch",
        back=_prepare_url(program, "touches"),
        intro="One communication of the why message: when, how, to whom, by whom.",
        save=lambda d: services.touch_create(program=program, **d),
    )


@login_required
def touch_edit(request: AuthenticatedHttpRequest, touch_id: int) -> HttpResponse:
    touch = access.get_preparation_part_for(request.user, Touch, touch_id, write=True)
    program = touch.program
    form = rforms.TouchForm(
        request.POST or None,
        program=program,
        initial={f: getattr(touch, f) for f in services.TOUCH_FIELDS},
    )
    return _form_page(
        request,
        program,
        form,
        title="Edit touch",
        back=_prepare_url(program, "touches"),
        save=lambda d: services.touch_update(touch=touch, data=d),
    )


@login_required
def expectation_edit(request: AuthenticatedHttpRequest, program_id: int, role: str) -> HttpResponse:
    if role not in ExpectationRole.values:
        raise Http404
    program = access.get_program_text_for(request.user, program_id, write=True)
    row = program.expectations.filter(role=role).first()
    fields = ("do_differently", "measured_by", "recognized_by")
    form = rforms.ExpectationForm(
        request.POST or None, initial={f: getattr(row, f) for f in fields} if row else {}
    )
    back = (
        _prepare_url(program, "expectations")
        if access.can_see_preparation(request.user, program)
        else reverse("readiness:managers", args=[program.pk])
    )
    return _form_page(
        request,
        program,
        form,
        title=f"Expectations: {ExpectationRole(role).label.lower()}",
        back=back,
        save=lambda d: services.expectation_write(program=program, role=role, **d),
    )


@login_required
def panel_create(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_manager_part_for(request.user, program_id, write=True)
    form = rforms.PanelForm(request.POST or None, program=program, viewer=request.user)
    back = (
        _prepare_url(program, "panel")
        if access.can_see_preparation(request.user, program)
        else reverse("readiness:managers", args=[program.pk])
    )
    return _form_page(
        request,
        program,
        form,
        title="Join the customization panel",
        back=back,
        intro="Managers tailor the program to the situations their reps really meet.",
        save=lambda d: services.panel_member_add(program=program, **d),
    )


@login_required
def reinforcement_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    form = rforms.ReinforcementForm(
        request.POST or None,
        initial=_initial(program, "reinforcement_plan", services.REINFORCEMENT_FIELDS),
    )
    return _form_page(
        request,
        program,
        form,
        title="Reinforcement plan",
        back=_prepare_url(program, "reinforcement"),
        intro=f"{round(program.reinforcement_share * 100)}% of the budget is spent after the "
        "workshop (edit the program to change the budget).",
        save=lambda d: services.reinforcement_plan_update(program=program, data=d),
    )


@login_required
def measurement_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_preparation_for(request.user, program_id, write=True)
    form = rforms.MeasurementForm(
        request.POST or None,
        initial=_initial(program, "measurement_plan", services.MEASUREMENT_FIELDS),
    )
    return _form_page(
        request,
        program,
        form,
        title="Measurement and comparison group",
        back=_prepare_url(program, "measurement"),
        save=lambda d: services.measurement_plan_update(program=program, data=d),
    )


@login_required
def brief(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """The why message and the expectations the viewer may read; reps acknowledge here."""
    program = access.get_program_brief_for(request.user, program_id)
    viewer = request.user
    if request.method == "POST" and not access.can_acknowledge_brief(viewer, program):
        raise PermissionDenied
    roles = access.expectation_roles_for(viewer, program)
    return form_page(
        request,
        rforms.AcknowledgeForm(request.POST or None),
        lambda d: services.acknowledgement_record(program=program, rep=viewer, pulse=d["pulse"]),
        done=reverse("readiness:brief", args=[program.pk]),
        message="Thank you: your acknowledgement is recorded.",
        template="readiness/brief.html",
        invalid_status=400,
        program=program,
        why=selectors.one_to_one(program, "why_message"),
        expectations=program.expectations.filter(role__in=roles),
        ack=program.acknowledgements.filter(rep=viewer).first(),
        can_acknowledge=access.can_acknowledge_brief(viewer, program),
    )


@login_required
def managers(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """The managers' part: the customization panel and what is expected of managers."""
    program = access.get_program_manager_part_for(request.user, program_id)
    return render(
        request,
        "readiness/managers.html",
        {
            "program": program,
            "panel": program.panel.select_related("manager"),
            "expectation": program.expectations.filter(role=ExpectationRole.MANAGER).first(),
            "can_edit": access.can_edit_manager_part(request.user, program),
            "can_write_text": access.can_write_program_text(request.user, program),
            "on_panel": program.panel.filter(manager=request.user).exists(),
            "order": training_order_page(
                program,
                page=request.GET.get("page"),
                per_page=ORDER_PER_PAGE,
                manager=None if access.can_see_preparation(request.user, program) else request.user,
            ),
        },
    )
