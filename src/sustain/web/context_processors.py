from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from sustain.lib.validation import max_upload_bytes
from sustain.orgs import access
from sustain.orgs.models import Person


def _current_program_id(user: Person) -> int | None:
    """The program the sidebar's program-scoped links open: the newest one she can see."""
    return access.programs_visible_to(user).order_by("-pk").values_list("pk", flat=True).first()


def _links(user: Person) -> list[tuple[str, str]]:
    """A person's daily work first, then the directories her role can browse."""
    program_id = _current_program_id(user)
    nav = [("Home", reverse("home"))]
    if access.has_own_plan(user):
        nav += [
            ("My plan", reverse("plans:mine")),
            ("Refreshers", reverse("refreshers:due")),
            ("My coaching", reverse("coaching:rep", args=[user.pk])),
        ]
    if access.leads_a_team(user):
        nav.append(("Team plans", reverse("plans:team")))
        if program_id is not None:
            nav.append(("Coaching", reverse("coaching:program", args=[program_id])))
        nav += [("My plan", reverse("plans:mine")), ("Refreshers", reverse("refreshers:due"))]
    if not access.sees_individuals(user) and program_id is not None:
        nav.append(("Coaching", reverse("coaching:program", args=[program_id])))
    nav.append(("Programs", reverse("programs:list")))
    if access.sees_whole_org(user) and program_id is not None:
        nav.append(("Impact", reverse("analysis:program", args=[program_id])))
    if access.sees_people_directory(user):
        nav.append(("Teams", reverse("orgs:teams")))
        nav.append(("People", reverse("orgs:people")))
    if access.can_import_kpis(user):
        nav.append(("KPIs", reverse("metrics:index")))
    if access.can_edit_organization(user):
        nav.append(("Organization", reverse("orgs:organization")))
    if access.can_read_audit_log(user):
        nav.append(("Audit log", reverse("audit:log")))
    if access.can_read_outbox(user):
        nav.append(("Outbox", reverse("notify:outbox")))
    return nav


def navigation(request: HttpRequest) -> dict[str, object]:
    """The sidebar: what this person's role can open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {"nav": []}
    path = request.path
    return {
        "nav": [
            {
                "label": label,
                "url": url,
                "active": path == url or (url != "/" and path.startswith(url)),
            }
            for label, url in _links(user)
        ]
    }


def upload_error(request: HttpRequest) -> dict[str, str]:
    """An upload refused for its size before it was read (`api.errors.ErrorMiddleware`
    sends the browser back to the form with `?too_large=1`): shown beside the file field."""
    if "too_large" not in request.GET:
        return {}
    limit = max_upload_bytes() / 1e6
    return {
        "upload_error": f"The upload is larger than the limit of {limit:g} MB: nothing was read. Choose a smaller file."
    }
