from __future__ import annotations

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "sustain.analysis"
    label = "analysis"

    def ready(self) -> None:
        from sustain.analysis import evidence

        evidence.register()  # coached attribute, Kirkpatrick levels 2-3 from the other apps
        from sustain.analysis import home  # noqa: F401  (registers the leadership panel)
        from sustain.orgs import access
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(
            ProgramTab("Impact analysis", "analysis:program", access.sees_impact, order=90)
        )
        register_program_tab(
            ProgramTab("Leadership report", "analysis:report", access.sees_impact, order=95)
        )
