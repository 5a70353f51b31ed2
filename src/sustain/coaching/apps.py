from __future__ import annotations

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "sustain.coaching"
    label = "coaching"
