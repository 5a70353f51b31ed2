from __future__ import annotations

from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "sustain.readiness"
    label = "readiness"

    def ready(self) -> None:
        from sustain.orgs import access
        from sustain.orgs.models import Role
        from sustain.programs.tabs import ProgramTab, register_program_tab
        from sustain.readiness import home  # noqa: F401  (registers the home panel)

        register_program_tab(
            ProgramTab("Readiness", "readiness:prepare", access.can_see_preparation, order=10)
        )
        register_program_tab(
            ProgramTab(
                "Why we are changing",
                "readiness:brief",
                lambda viewer, _program: viewer.role in (Role.REP, Role.MANAGER),
                order=11,
            )
        )
        register_program_tab(
            ProgramTab(
                "Manager engagement",
                "readiness:managers",
                lambda viewer, _program: viewer.role == Role.MANAGER,
                order=12,
            )
        )
