from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "sustain.programs"
    label = "programs"
