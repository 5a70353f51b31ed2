from __future__ import annotations

from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "sustain.adoption"
    label = "adoption"

    def ready(self) -> None:
        from sustain.adoption import home, selectors  # noqa: F401  home registers its panel
        from sustain.analysis.attributes import register_attribute
        from sustain.programs.tabs import ProgramTab, register_program_tab

        register_program_tab(
            ProgramTab("Adoption", "adoption:program", lambda _v, _p: True, order=45)
        )
        register_attribute(
            "call_adopter", "Uses the techniques in calls", selectors.adopter_attribute
        )
