from __future__ import annotations

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "sustain.health"
    label = "health"

    def ready(self) -> None:
        from sustain.health import home  # noqa: F401  registers the alerts home panel
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(ProgramTab("Health", "health:program", lambda _v, _p: True, order=25))
        register_program_tab(ProgramTab("Fade", "health:fade", lambda _v, _p: True, order=26))
