from __future__ import annotations

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "sustain.coaching"
    label = "coaching"

    def ready(self) -> None:
        from sustain.coaching import home  # noqa: F401  registers the home panel
        from sustain.orgs import access
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(
            ProgramTab("Coaching", "coaching:program", access.sees_program_coaching, order=30)
        )
