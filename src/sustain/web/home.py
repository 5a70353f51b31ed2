"""What each role sees first. Apps contribute panels through `HOME_PANELS`: functions
taking the viewer and returning a context dict for their template, or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sustain.orgs import access
from sustain.orgs import selectors as org_selectors
from sustain.orgs.models import Person
from sustain.programs import selectors as program_selectors

Panel = Callable[[Person], dict[str, Any] | None]
HOME_PANELS: list[tuple[str, Panel]] = []


def home_panel(template: str) -> Callable[[Panel], Panel]:
    def register(fn: Panel) -> Panel:
        HOME_PANELS.append((template, fn))
        return fn

    return register


def home_context(viewer: Person) -> dict[str, Any]:
    programs = (
        list(program_selectors.programs_list(viewer=viewer)) if viewer.organization_id else []
    )
    panels = []
    for template, fn in HOME_PANELS:
        context = fn(viewer)
        if context is not None:
            panels.append({"template": template, **context})
    context: dict[str, Any] = {
        "programs": programs,
        "panels": panels,
        "can_create_program": access.can_create_program(viewer),
    }
    if access.leads_a_team(viewer):
        context["teams"] = org_selectors.teams_with_members(viewer=viewer)
    if access.sees_org_summary(viewer):
        context["summary"] = org_selectors.org_summary(viewer=viewer)
    return context
