"""The readiness panel on the home page: what the owner should fix first, and the
leadership message a rep has not acknowledged yet."""

from __future__ import annotations

from typing import Any

from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.readiness import selectors
from sustain.web.home import Shared, shared_home_panel


@shared_home_panel("readiness/_panel.html")
def readiness_panel(viewer: Person, shared: Shared) -> dict[str, Any] | None:
    if viewer.organization_id is None:
        return None
    if access.has_own_plan(viewer):
        pending = selectors.rep_pending_acknowledgements(viewer=viewer)
        return {"to_acknowledge": pending} if pending else None
    todo = selectors.owner_todo(viewer=viewer, group_sizes=shared.group_sizes)
    if not todo:
        return None
    return {"todo": [{"program": p, "readiness": r, "first": r.first_todo} for p, r in todo]}
