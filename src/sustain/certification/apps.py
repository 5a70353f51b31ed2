from __future__ import annotations

from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "sustain.certification"
    label = "certification"
