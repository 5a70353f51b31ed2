"""The outbox status page for admins; everyone's notification settings (preferences and
channels), the digest preview, and the one-click unsubscribe link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sustain.notify import selectors, services
from sustain.notify.forms import ChannelForm, PreferencesForm
from sustain.notify.models import OutboxStatus
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

PER_PAGE = 50


@login_required
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in OutboxStatus.values:
        status = ""
    messages = selectors.outbox_list(viewer=request.user, status=status)
    counts = selectors.outbox_counts(viewer=request.user)
    return render(
        request,
        "notify/outbox.html",
        {
            "page": Paginator(messages, PER_PAGE).get_page(request.GET.get("page")),
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in OutboxStatus.choices
            ],
        },
    )


@login_required
def outbox_message(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = access.get_outbox_message_for(request.user, message_id)
    return render(request, "notify/message.html", {"message": message})


def _settings_page(
    request: AuthenticatedHttpRequest,
    *,
    prefs_form: Any = None,
    channel_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request.user
    admin = access.can_add_org_channel(viewer)
    return render(
        request,
        "notify/settings.html",
        {
            "prefs_form": prefs_form or PreferencesForm(instance=services.preferences_of(viewer)),
            "channel_form": channel_form or ChannelForm(admin=admin),
            "channels": access.channels_visible_to(viewer).select_related("owner"),
            "previews": access.digest_preview_people(viewer).count() > 1,
        },
        status=status,
    )


@login_required
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _settings_page(request)
    form = PreferencesForm(request.POST, instance=services.preferences_of(request.user))
    if not form.is_valid():
        return _settings_page(request, prefs_form=form, status=400)
    services.preferences_update(
        person=request.user, **{f: form.cleaned_data[f] for f in services.PREFERENCE_FIELDS}
    )
    flash.success(request, "Notification preferences saved.")
    return redirect("notify:settings")


@login_required
@require_POST
def channel_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ChannelForm(request.POST, admin=access.can_add_org_channel(request.user))
    if form.is_valid():
        try:
            services.channel_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            flash.success(request, "Channel added. Send it a test message to check it.")
            return redirect("notify:settings")
    return _settings_page(request, channel_form=form, status=400)


@login_required
@require_POST
def channel_delete(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    channel = access.get_channel_for(request.user, channel_id)
    services.channel_delete(channel=channel, by=request.user)  # type: ignore[arg-type]
    flash.success(request, "Channel removed.")
    return redirect("notify:settings")


@login_required
@require_POST
def channel_test(request: AuthenticatedHttpRequest, channel_id: int) -> HttpResponse:
    channel = access.get_channel_for(request.user, channel_id)
    services.channel_test(channel=channel, by=request.user)  # type: ignore[arg-type]
    flash.success(request, "Test message queued: it arrives within seconds.")
    return redirect("notify:settings")


@login_required
def digest_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    from sustain.health.digest import digest_for
    from sustain.health.digest import render as render_digest

    people = access.digest_preview_people(request.user)
    person = people.filter(pk=request.GET.get("person") or request.user.pk).first()
    if person is None:
        person = request.user
    digest = digest_for(person)
    samples = people.filter(role__in=["owner", "executive", "manager", "rep"]).order_by(
        "role", "name"
    )
    return render(
        request,
        "notify/digest_preview.html",
        {
            "person": person,
            "digest": digest,
            "parts": render_digest(digest),
            "people": samples[:200] if samples.count() > 1 else [],
        },
    )


# Mail clients POST here without a session or CSRF token (RFC 8058); the signed token is
# the authority, and it can only turn one preference off.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        person = services.unsubscribe(token)
        return render(
            request,
            "notify/unsubscribe.html",
            {"done": person is not None, "bad": person is None},
            status=200 if person is not None else 400,
        )
    # A GET (a link scanner, or the person clicking) changes nothing: it asks.
    return render(request, "notify/unsubscribe.html", {"token": token})
