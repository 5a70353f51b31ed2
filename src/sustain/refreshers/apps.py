from __future__ import annotations

from django.apps import AppConfig


class RefreshersConfig(AppConfig):
    name = "sustain.refreshers"
    label = "refreshers"

    def ready(self) -> None:
        from sustain.orgs.access import can_edit_program
        from sustain.programs.tabs import ProgramTab, register_program_tab
        from sustain.refreshers import home  # noqa: F401  registers the home panel

        register_program_tab(
            ProgramTab("Refreshers", "refreshers:program", lambda v, p: True, order=60)
        )
        register_program_tab(ProgramTab("Question bank", "refreshers:bank", can_edit_program, 61))
