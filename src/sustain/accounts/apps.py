from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sustain.accounts"
    label = "accounts"
    verbose_name = "Sign-in, invitations and passwords"
