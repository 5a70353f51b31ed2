"""Plan pages: the rep's own plan, a plan seen by her manager, the team page, and the
program's aggregates."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Team
from sustain.plans import selectors, services
from sustain.plans.forms import CheckInForm, ItemForm, RestartForm, TeamPickForm
from sustain.plans.models import Plan
from sustain.web.formfields import lookup_suggestions
from sustain.web.forms import call_service, form_page


def _plan_page(request: AuthenticatedHttpRequest, plan: Plan, **extra: object) -> HttpResponse:
    viewer = request.user
    progress = selectors.plan_progress(plan, today=timezone.localdate())
    return render(
        request,
        "plans/plan.html",
        {
            "p": progress,
            "plan": progress.plan,
            "mine": viewer.pk == plan.rep_id,
            "can_shape": access.can_shape_plan(viewer, plan),
            "can_manage": access.can_manage_plan(viewer, plan),
            "check_in_form": extra.pop("check_in_form", CheckInForm()),
            "item_form": ItemForm(),
            **extra,
        },
    )


@login_required
def plan_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = selectors.plan_for_rep(request.user)
    if plan is None:
        return render(request, "plans/none.html")
    return _plan_page(request, plan)


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    return _plan_page(request, access.get_plan_for(request.user, plan_id))


def _back(plan: Plan, request: HttpRequest) -> HttpResponse:
    mine = request.user.pk == plan.rep_id
    return redirect("plans:mine") if mine else redirect("plans:detail", plan.pk)


@login_required
@require_POST
def plan_commit(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_check_in)
    try:
        services.plan_commit(plan=plan)
        messages.success(request, "You committed to your plan. Your manager can see it.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(plan, request)


@login_required
@require_POST
def plan_check_in(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_check_in)
    form = CheckInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if call_service(
            form, lambda: services.check_in_record(plan=plan, today=timezone.localdate(), **data)
        ):
            messages.success(request, "Check-in saved. See you next week.")
            return _back(plan, request)
    return _plan_page(request, plan, check_in_form=form)


@login_required
@require_POST
def plan_phases(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The form posts position-<id>, days-<id> and goal-<id> for every phase."""
    plan = access.get_plan_for(request.user, plan_id, write=access.can_shape_plan)
    rows = []
    try:
        for phase in plan.phases.all():
            rows.append(
                {
                    "id": phase.pk,
                    "position": int(request.POST.get(f"position-{phase.pk}", phase.position)),
                    "days": int(request.POST.get(f"days-{phase.pk}", phase.days)),
                    "goal": request.POST.get(f"goal-{phase.pk}", phase.goal),
                }
            )
        rows.sort(key=lambda r: (r.pop("position"), r["id"]))
        services.plan_phases_update(plan=plan, phases=rows)
        messages.success(request, "Phases saved.")
    except (ValueError, ValidationError) as exc:
        detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"Phases not saved: {detail or 'enter whole numbers.'}")
    return _back(plan, request)


@login_required
def plan_restart(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_manage_plan)
    form = RestartForm(request.POST or None, initial={"start": timezone.localdate()})
    back = reverse("plans:detail", args=[plan.pk])
    return form_page(
        request,
        form,
        lambda data: services.plan_restart(plan=plan, **data),
        done=back,
        message="Plan restarted.",
        title=f"Restart {plan.rep.name}'s plan",
        intro="After a leave or a role change: the phases run again from the new day.",
        back_url=back,
    )


@login_required
@require_POST
def plan_below_quota(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_manage_plan)
    services.plan_set_below_quota(plan=plan, flag=request.POST.get("below_quota") == "1")
    messages.success(request, "Saved.")
    return redirect("plans:detail", plan.pk)


@login_required
@require_POST
def plan_item_add(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, plan_id, write=access.can_shape_plan)
    form = ItemForm(request.POST)
    if (
        form.is_valid()
        and call_service(
            form,
            lambda: services.plan_item_add(
                plan=plan,
                source="manager" if request.user.pk != plan.rep_id else "rep",
                **form.cleaned_data,
            ),
        )
        is not None
    ):
        messages.success(request, "Item added.")
    else:
        messages.error(
            request,
            "Item not added: " + "; ".join(str(e) for errs in form.errors.values() for e in errs),
        )
    return _back(plan, request)


@login_required
def team_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every rep's progress, streak and missed check-ins, team by team."""
    viewer = request.user
    if not access.sees_team_plans(viewer):
        raise PermissionDenied
    visible = access.teams_visible_to(viewer).select_related("manager")
    teams: Iterable[Team] = visible
    pick = TeamPickForm(request.GET if request.GET.get("team") else None, viewer=viewer)
    suggestions = lookup_suggestions(request, pick)  # the team field's, as she types
    if suggestions is not None:
        return suggestions
    if pick.is_bound:
        if not pick.is_valid():  # another organization's team, or no team of that name
            raise Http404
        teams = [pick.cleaned_data["team"]]
    elif access.picks_any_team(viewer):
        teams = list(visible[:1])
    today = timezone.localdate()
    return render(
        request,
        "plans/team.html",
        {
            "teams": [
                {"team": t, "rows": selectors.team_progress(viewer=viewer, team=t, today=today)}
                for t in teams
            ],
            "pick": pick if access.picks_any_team(viewer) else None,
        },
    )


@login_required
def program_plans(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    if request.user.organization_id is None:
        raise Http404
    return render(
        request,
        "plans/program.html",
        {
            "program": program,
            "summary": selectors.program_summary(
                program=program, today=timezone.localdate(), viewer=request.user
            ),
            "can_generate": access.can_edit_program(request.user, program),
        },
    )


@login_required
@require_POST
def program_plans_generate(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    from sustain.plans.tasks import generate_plans

    missing = selectors.reps_without_plan(program=program)
    if missing and not program.concepts.exists():  # what the job would refuse
        messages.error(request, "The program has no concepts to plan: add its concepts first.")
    elif missing:
        generate_plans.enqueue(program.pk)
        messages.success(
            request,
            f"Creating {missing} plan{'s' if missing != 1 else ''} in the background; "
            "they appear here in a moment.",
        )
    else:
        messages.info(request, "Every trained rep has a plan already.")
    return redirect("plans:program", program.pk)
