"""What each role sees first. Apps contribute panels through `HOME_PANELS`: functions
taking the viewer (and, registered with `shared=True`, the page's `Shared` reads) and
returning a context dict for their template, or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sustain.orgs import access
from sustain.orgs import selectors as org_selectors
from sustain.orgs.models import Person
from sustain.programs import selectors as program_selectors
from sustain.programs.models import Program
from sustain.programs.selectors import GroupSizes


class Shared:
    """What several panels of one home page read, read once for the page."""

    def __init__(self) -> None:
        self._group_sizes: dict[int, GroupSizes] = {}

    def group_sizes(self, programs: list[Program]) -> dict[int, GroupSizes]:
        """`measurement_group_sizes_for`, each program counted once per page."""
        missing = [p for p in programs if p.pk not in self._group_sizes]
        if missing:
            self._group_sizes.update(program_selectors.measurement_group_sizes_for(missing))
        return {p.pk: self._group_sizes[p.pk] for p in programs}


PanelResult = dict[str, Any] | None
Panel = Callable[[Person], PanelResult]
SharedPanel = Callable[[Person, Shared], PanelResult]
HOME_PANELS: list[tuple[str, SharedPanel]] = []
# Panels shown before anything else (the leadership view's "did it work?").
LEAD_PANELS: list[tuple[str, SharedPanel]] = []


def home_panel(template: str, *, lead: bool = False) -> Callable[[Panel], Panel]:
    def register(fn: Panel) -> Panel:
        (LEAD_PANELS if lead else HOME_PANELS).append((template, lambda v, _s: fn(v)))
        return fn

    return register


def shared_home_panel(template: str, *, lead: bool = False) -> Callable[[SharedPanel], SharedPanel]:
    """`home_panel` for a panel that reads what others read too (through `Shared`)."""

    def register(fn: SharedPanel) -> SharedPanel:
        (LEAD_PANELS if lead else HOME_PANELS).append((template, fn))
        return fn

    return register


def home_context(viewer: Person) -> dict[str, Any]:
    shared = Shared()
    programs = (
        list(program_selectors.programs_list(viewer=viewer, count_trained=False))
        if viewer.organization_id
        else []
    )
    # The programs' trained reps are their measurement groups' trained, which the
    # leadership and readiness panels count too: counted once for the page.
    sizes = shared.group_sizes(programs)
    for program in programs:
        program.n_trained = sizes[program.pk].n_trained  # type: ignore[attr-defined]

    def render(registry: list[tuple[str, SharedPanel]]) -> list[dict[str, Any]]:
        panels = []
        for template, fn in registry:
            context = fn(viewer, shared)
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
