"""The leadership panel on the home page: did each program work?"""

from __future__ import annotations

from typing import Any

from sustain.analysis.leadership import leadership_of
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.web.home import home_panel

MAX_PROGRAMS = 5


@home_panel("analysis/_leadership_panel.html", lead=True)
def leadership_panel(viewer: Person) -> dict[str, Any] | None:
    if viewer.organization_id is None or not access.sees_leadership_view(viewer):
        return None
    programs = [
        p
        for p in access.programs_visible_to(viewer).order_by("-id")[:MAX_PROGRAMS]
        if access.sees_impact(viewer, p)
    ]
    if not programs:
        return None
    return {"leads": leadership_of(viewer=viewer, programs=programs)}
