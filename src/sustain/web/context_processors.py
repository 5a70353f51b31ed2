from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from sustain.orgs import access
from sustain.orgs.models import Role


def navigation(request: HttpRequest) -> dict[str, object]:
    """The sidebar: what this person's role can open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organization_id is None:
        return {"nav": []}
    nav = [("Home", reverse("home")), ("Programs", reverse("programs:list"))]
    if user.role != Role.TRAINER and user.role != Role.REP:
        nav.append(("Teams", reverse("orgs:teams")))
        nav.append(("People", reverse("orgs:people")))
    if access.can_import_kpis(user):
        nav.append(("KPIs", reverse("metrics:index")))
    if access.can_edit_organization(user):
        nav.append(("Organization", reverse("orgs:organization")))
    path = request.path
    return {
        "nav": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in nav
        ]
    }
