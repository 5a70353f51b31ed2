"""Links shown on a program's page to the other apps' pages about it (readiness,
certification, analysis, ...). An app registers its tab in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from sustain.orgs.models import Person
from sustain.programs.models import Program


@dataclass(frozen=True)
class ProgramTab:
    label: str
    url_name: str  # reversed with the program's id as its only argument
    visible: Callable[[Person, Program], bool]
    order: int = 100


PROGRAM_TABS: list[ProgramTab] = []


def register_program_tab(tab: ProgramTab) -> None:
    if all(t.url_name != tab.url_name for t in PROGRAM_TABS):
        PROGRAM_TABS.append(tab)


def program_tabs(viewer: Person, program: Program) -> list[dict[str, str]]:
    return [
        {"label": t.label, "url": reverse(t.url_name, args=[program.pk])}
        for t in sorted(PROGRAM_TABS, key=lambda t: t.order)
        if t.visible(viewer, program)
    ]
