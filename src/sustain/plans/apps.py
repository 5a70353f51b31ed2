from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "sustain.plans"
    label = "plans"

    def ready(self) -> None:
        from sustain.plans import home  # noqa: F401  registers the home panel
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(ProgramTab("Plans", "plans:program", lambda v, p: True, order=40))
