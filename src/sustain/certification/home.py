"""Home panel: a manager's certification status per program, with the next step."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sustain.certification import selectors
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.programs.models import ProgramStatus
from sustain.web.home import home_panel


@home_panel("certification/_panel.html")
def certification_panel(viewer: Person) -> dict[str, Any] | None:
    if not access.leads_a_team(viewer):
        return None
    programs = (
        access.programs_visible_to(viewer)
        .filter(enrollments__person=viewer)
        .exclude(status=ProgramStatus.CLOSED)[:3]
    )
    rows = [
        {
            "program": p,
            **selectors.certification_rows(
                program=p, managers=[viewer], today=timezone.localdate()
            )[0],
        }
        for p in programs
    ]
    return {"rows": rows} if rows else None
