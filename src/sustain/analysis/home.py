"""The leadership panel on the home page: did each program work?"""

from __future__ import annotations

from typing import Any

from sustain.analysis.leadership import leadership_of
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.web.home import Shared, shared_home_panel

MAX_PROGRAMS = 5


@shared_home_panel("analysis/_leadership_panel.html", lead=True)
def leadership_panel(viewer: Person, shared: Shared) -> dict[str, Any] | None:
    if viewer.organization_id is None or not access.sees_leadership_view(viewer):
        return None
    programs = [
        p
        for p in access.programs_visible_to(viewer).order_by("-id")[:MAX_PROGRAMS]
        if access.sees_impact(viewer, p)
    ]
    if not programs:
        return None
    leads = leadership_of(viewer=viewer, programs=programs, groups=shared.group_sizes(programs))
    return {"leads": leads}
