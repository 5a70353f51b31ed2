from __future__ import annotations

from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "sustain.certification"
    label = "certification"

    def ready(self) -> None:
        from sustain.certification import home  # noqa: F401  registers the home panel
        from sustain.orgs.models import Role
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(
            ProgramTab(
                "Certification",
                "certification:program",
                lambda viewer, _p: viewer.role != Role.REP,
                order=40,
            )
        )
