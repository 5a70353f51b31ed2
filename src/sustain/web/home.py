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
# Panels shown before anything else (the leadership view's "did it work?").
LEAD_PANELS: list[tuple[str, Panel]] = []


def home_panel(template: str, *, lead: bool = False) -> Callable[[Panel], Panel]:
    def register(fn: Panel) -> Panel:
        (LEAD_PANELS if lead else HOME_PANELS).append((template, fn))
        return fn

    return register


def home_context(viewer: Person) -> dict[str, Any]:
    programs = (
        list(program_selectors.programs_list(viewer=viewer)) if viewer.organization_id else []
    )

    def render(registry: list[tuple[str, Panel]]) -> list[dict[str, Any]]:
        panels = []
        for template, fn in registry:
            context = fn(viewer)
            if context is not None:
                panels.append({"template": template, **context})
        return panels

    context: dict[str, Any] = {
        "programs": programs,
        "lead_panels": render(LEAD_PANELS),
        "panels": render(HOME_PANELS),
        "can_create_program": access.can_create_program(viewer),
    }
    if access.leads_a_team(viewer):
        context["teams"] = org_selectors.teams_with_members(viewer=viewer)
    if access.sees_org_summary(viewer):
        context["summary"] = org_selectors.org_summary(viewer=viewer)
    return context
