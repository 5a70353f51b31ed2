"""`sustain init --org NAME --admin-email EMAIL [--admin-name NAME]`: the first run."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sustain.accounts import services
from sustain.accounts.links import link_expires_on, set_password_url


class Command(BaseCommand):
    help = (
        "Create your organization and its first administrator, and print a one-time link "
        "for her to choose a password."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's name")
        parser.add_argument("--admin-email", required=True, help="the first admin's email")
        parser.add_argument("--admin-name", default="", help="the first admin's name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            admin = services.organization_init(
                name=options["org"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
            )
        except services.AlreadySetUp as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc
        link = set_password_url(admin)
        self.stdout.write(
            f"Created {admin.organization} and its admin {admin.name} <{admin.email}>.\n\n"
            f"{admin.name} chooses a password here (the link works once, until "
            f"{link_expires_on():%d %B %Y}):\n\n  {link}\n"
        )
        if settings.SUSTAIN_MAIL_CONFIGURED:
            services.invitation_send(person=admin)
            self.stdout.write(
                f"\nThe link was also queued for email to {admin.email}; it goes out when "
                "`sustain serve` (or `sustain worker`) runs.\n"
            )
        self.stdout.write(
            "\nNext: sign in, add your people (or import your roster), invite them, "
            "and create your first program. See docs/operations.md, “First run”.\n"
        )
