from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "sustain.orgs"
    label = "orgs"
    verbose_name = "Organizations and people"
