from __future__ import annotations

from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "sustain.roster"
    label = "roster"
    verbose_name = "Roster import"
