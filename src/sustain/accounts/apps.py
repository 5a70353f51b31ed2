from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sustain.accounts"
    label = "accounts"
    verbose_name = "Sign-in, invitations and passwords"

    def ready(self) -> None:
        from sustain.accounts import home  # noqa: F401  registers the go-live panel
