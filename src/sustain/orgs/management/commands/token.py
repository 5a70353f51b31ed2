from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sustain.orgs.models import Person
from sustain.orgs.services import api_token_create


class Command(BaseCommand):
    help = (
        "API tokens: `token create EMAIL [--expires-in DAYS]` prints a new token for that "
        "person. People list and revoke theirs on the API tokens page."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("email")
        parser.add_argument("--label", default="command line")
        parser.add_argument(
            "--expires-in",
            type=int,
            default=None,
            metavar="DAYS",
            help="Days until the token stops working (default: until revoked).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        person = Person.objects.filter(email=email, is_active=True).first()
        if person is None:
            raise CommandError(f"No active person with email {email}.")
        try:
            raw = api_token_create(
                person=person, label=options["label"], expires_in_days=options["expires_in"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(raw)
