from __future__ import annotations

from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "sustain.readiness"
    label = "readiness"

    def ready(self) -> None:
        from sustain.orgs import access
        from sustain.programs.tabs import ProgramTab, register_program_tab
        from sustain.readiness import home  # noqa: F401  (registers the home panel)

        register_program_tab(
            ProgramTab("Readiness", "readiness:prepare", access.can_see_preparation, order=10)
        )
        register_program_tab(
            ProgramTab(
                "Why we are changing",
                "readiness:brief",
                access.can_acknowledge_brief,
                order=11,
            )
        )
        register_program_tab(
            ProgramTab(
                "Manager engagement",
                "readiness:managers",
                lambda viewer, _program: access.leads_a_team(viewer),
                order=12,
            )
        )
