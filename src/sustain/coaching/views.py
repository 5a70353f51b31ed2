"""Coaching pages: the program's coaching overview, a rep's coaching record, recording
an observation, the rubric."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sustain.coaching import charts, selectors, services
from sustain.coaching.forms import BehaviourForm, ObservationForm, PolicyForm
from sustain.coaching.models import CoachingPolicy, Observation
from sustain.orgs import access, privacy
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.orgs.models import Person, Team
from sustain.programs.models import Program
from sustain.programs.selectors import program_settings
from sustain.programs.tabs import program_tabs
from sustain.web.forms import form_page

# Teams the program's coaching page lists at once; the rest is a page away.
TEAMS_PER_PAGE = 25


@login_required
def program_coaching(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    viewer = request.user
    program = access.get_program_for(viewer, program_id)
    if not access.sees_program_coaching(viewer, program):
        return redirect("coaching:rep", viewer.pk)
    teams = access.teams_visible_to(viewer).select_related("manager")
    context = {"program": program, **_summary_context(request, program, teams)}
    # While the stored figures are being computed, their part polls for itself alone.
    if request.htmx and request.GET.get("part") == "summary":
        return render(request, "coaching/program.html#summary", context)
    today = timezone.localdate()
    context |= {
        "tabs": program_tabs(viewer, program),
        "rubric": selectors.rubric(program=program),
        "can_edit": access.can_edit_program(viewer, program),
        "policy": program_settings(program, CoachingPolicy),
    }
    if access.sees_individuals(viewer):
        teams_page = Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
        context["teams_page"] = teams_page
        context["team_rows"] = selectors.team_coverage_rows(
            program=program, teams=teams_page.object_list, today=today
        )
    if access.sees_whole_org(viewer):
        context["stalled"] = selectors.stored_stalled_page(
            summary=context["summary"], page=request.GET.get("stalled_page")
        )
        # The heatmap's rows: the managers of the teams on this page of the list.
        managers = [t.manager_id for t in context["teams_page"].object_list if t.manager_id]
        context["weeks_spec"] = charts.observer_weeks_spec(
            program=program, today=today, observers=Person.objects.filter(pk__in=managers)
        )
    return render(request, "coaching/program.html", context)


def _summary_context(
    request: AuthenticatedHttpRequest, program: Program, teams: QuerySet[Team]
) -> dict[str, Any]:
    """Coverage and the skill distribution: over the whole organization (leaders, the
    trainer) as stored in the background (`models.CoachingSummary`), over a manager's
    own teams or one team picked (`?team=`) counted now."""
    viewer = request.user
    individuals = access.sees_individuals(viewer)
    # The trainer reads the whole program's numbers, never a team's or a person's.
    whole = access.sees_whole_org(viewer) or not individuals
    team = (
        access.get_team_for(viewer, request.GET["team"])
        if request.GET.get("team") and individuals
        else None
    )
    scope_reps = selectors.team_reps(
        teams.values_list("pk", flat=True)
        if individuals
        else program.organization.teams.values_list("pk", flat=True)
    )
    # Figures over fewer than k reps are withheld from the trainer (orgs/privacy.py).
    if not individuals and not privacy.shown(viewer, scope_reps.count()):
        return {"withheld": privacy.withheld(viewer), "sees_individuals": False}
    summary = services.coaching_summary_request(program=program) if whole else None
    if summary is not None:
        overall = selectors.stored_coverage(summary)
    else:
        overall = selectors.coverage(
            reps=selectors.team_scope(teams.values_list("pk", flat=True)),
            today=timezone.localdate(),
            program=program,
            limit=selectors.OVERDUE_SHOWN,
        )
    if team is not None or summary is None:
        reps = selectors.team_reps([team.pk]) if team else scope_reps
        rows = selectors.distribution_rows(program=program, reps=reps)
    else:
        rows = summary.distribution
    return {
        "withheld": None,
        "summary": summary,
        "overall": overall,
        "sees_individuals": individuals,
        "distribution_spec": charts.distribution_spec(rows=rows),
        "dist_team": team,
    }


@login_required
def rep_coaching(request: AuthenticatedHttpRequest, rep_id: int) -> HttpResponse:
    rep = access.get_rep_for(request.user, rep_id)
    observations = selectors.observations_for_rep(
        observations=access.observations_visible_to(request.user), rep=rep
    )
    return render(
        request,
        "coaching/rep.html",
        {
            "rep": rep,
            "observations": observations,
            "trend_spec": charts.skill_trend_spec(rep=rep),
            "can_observe": access.can_coach_reps(request.user) and request.user.pk != rep.pk,
            "open_actions": [a for o in observations for a in o.actions.all() if a.done_on is None],
        },
    )


@login_required
def observation_create(request: AuthenticatedHttpRequest, rep_id: int) -> HttpResponse:
    rep = access.get_rep_to_observe(request.user, rep_id)
    programs = access.programs_visible_to(request.user).filter(enrollments__person=rep)
    program = (
        access.get_program_for(request.user, request.GET["program"])
        if request.GET.get("program")
        else programs.order_by("-created_at").first()
    )
    back = reverse("coaching:rep", args=[rep.pk])
    if program is None:
        messages.error(request, f"{rep.name} is not enrolled in any program yet.")
        return redirect(back)
    form = ObservationForm(request.POST or None, concepts=list(program.concepts.all()))
    return form_page(
        request,
        form,
        lambda _data: services.observation_create(
            observer=request.user, rep=rep, program=program, **form.service_kwargs()
        ),
        done=lambda obs: reverse("coaching:observation", args=[obs.pk]),
        message=f"Observation of {rep.name} recorded.",
        title=f"Observe {rep.name}",
        back_url=back,
        intro=f"{program.name}: score what you saw against the rubric, diagnose the root "
        "cause, prescribe what she does next.",
        submit="Record observation",
    )


@login_required
def observation_detail(request: AuthenticatedHttpRequest, observation_id: int) -> HttpResponse:
    obs: Observation = access.get_observation_for(request.user, observation_id)
    return render(
        request,
        "coaching/observation.html",
        {
            "obs": obs,
            "scores": obs.scores.select_related("concept"),
            "actions": obs.actions.all(),
            "sees_private_note": access.sees_private_note(request.user, obs),
        },
    )


@login_required
@require_POST
def action_done(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    action = access.get_development_action_for(request.user, action_id, write=True)
    services.action_mark_done(action=action, done_on=timezone.localdate())
    messages.success(request, "Action marked done.")
    return redirect(reverse("coaching:rep", args=[action.observation.rep_id]) + "#actions")


@login_required
def behaviour_create(request: AuthenticatedHttpRequest, concept_id: int) -> HttpResponse:
    concept = access.get_concept_for(request.user, concept_id, write=True)
    form = BehaviourForm(request.POST or None)
    back = reverse("coaching:program", args=[concept.program_id]) + "#rubric"
    return form_page(
        request,
        form,
        lambda data: services.rubric_behaviour_create(concept=concept, **data),
        done=back,
        title=f"Rubric behaviour for {concept.name}",
        back_url=back,
    )


@login_required
def policy_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id, write=True)
    instance = program_settings(program, CoachingPolicy)
    form = PolicyForm(request.POST or None, instance=instance)
    back = reverse("coaching:program", args=[program.pk])
    return form_page(
        request,
        form,
        lambda data: services.coaching_policy_set(program=program, data=data),
        done=back,
        title="Coaching cadence",
        back_url=back,
    )
