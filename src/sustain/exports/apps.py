from __future__ import annotations

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "sustain.exports"
    label = "exports"
    verbose_name = "Organization export"
