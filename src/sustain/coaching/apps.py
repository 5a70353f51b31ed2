from __future__ import annotations

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "sustain.coaching"
    label = "coaching"

    def ready(self) -> None:
        from sustain.coaching import home  # noqa: F401  registers the home panel
        from sustain.orgs.models import Role
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(
            ProgramTab(
                "Coaching", "coaching:program", lambda viewer, _p: viewer.role != Role.REP, order=30
            )
        )
