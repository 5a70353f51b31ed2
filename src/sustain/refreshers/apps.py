from __future__ import annotations

from django.apps import AppConfig


class RefreshersConfig(AppConfig):
    name = "sustain.refreshers"
    label = "refreshers"
