from __future__ import annotations

from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "sustain.certification"
    label = "certification"

    def ready(self) -> None:
        from sustain.certification import home  # noqa: F401  registers the home panel
        from sustain.orgs import access
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(
            ProgramTab(
                "Certification",
                "certification:program",
                access.sees_program_certification,
                order=40,
            )
        )
