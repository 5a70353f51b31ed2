"""Health pages: a program's health with its explanation, the fade timeline, the settings,
and the alerts list with acknowledge and snooze."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sustain.health import alerts as alert_services
from sustain.health import charts, selectors, services
from sustain.health.forms import HealthSettingsForm, SnoozeForm
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest
from sustain.web.forms import form_page


@login_required
def program(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    health = selectors.health_for(viewer=request.user, program=program)
    context = {
        "program": program,
        "day": health["day"],
        "health_row": health["program"],
        "groups": [
            ("Regions", health["regions"]),
            ("Teams", health["teams"]),
            ("Managers", health["managers"]),
            ("Reps", health["reps"]),
        ],
        "can_edit": access.can_edit_health_settings(request.user, program),
    }
    return render(request, "health/program.html", context)


@login_required
def fade(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = access.get_program_for(request.user, program_id)
    data = selectors.fade(program=program)
    spec = charts.fade_spec(data) if data else None
    return render(request, "health/fade.html", {"program": program, "fade": data, "spec": spec})


@login_required
def settings_edit(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    write = request.method == "POST"
    program = access.get_program_health_settings_for(request.user, program_id, write=write)
    form = HealthSettingsForm(
        request.POST if write else None, table=selectors.settings_table(program)
    )
    return form_page(
        request,
        form,
        lambda _d: services.health_settings_update(program=program, **form.overrides()),
        done=reverse("health:program", args=[program.pk]),
        template="health/settings.html",
        invalid_status=400,
        program=program,
        can_edit=access.can_edit_health_settings(request.user, program),
    )


@login_required
def alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in ("open", "snoozed", "acknowledged", "resolved", "all"):
        status = "open"
    shown = list(selectors.alerts_for(viewer=request.user, status=status)[:200])
    mine = [a for a in shown if request.user.pk in (a.recipient_id, a.escalated_to_id)]
    alert_services.alerts_mark_seen(alerts=mine, person=request.user)
    return render(
        request,
        "health/alerts.html",
        {"alerts": shown, "status": status, "snooze_form": SnoozeForm()},
    )


@login_required
@require_POST
def ack(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert = access.get_alert_for(request.user, alert_id, write=True)
    alert_services.alert_acknowledge(alert=alert, person=request.user)
    return redirect("health:alerts")


@login_required
@require_POST
def snooze(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert = access.get_alert_for(request.user, alert_id, write=True)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        try:
            alert_services.alert_snooze(
                alert=alert,
                person=request.user,
                until=form.cleaned_data["until"],
            )
            return redirect("health:alerts")
        except ValidationError as exc:
            form.add_error("until", exc.messages[0])
    shown = list(selectors.alerts_for(viewer=request.user, status="open")[:200])
    return render(
        request,
        "health/alerts.html",
        {"alerts": shown, "status": "open", "snooze_form": form, "snooze_error_for": alert.pk},
        status=400,
    )
