from __future__ import annotations

import re

import pytest
from pytest_django import Settings

from sustain.notify.models import OutboxMessage
from tests.oidc_provider.fixture import oidc_provider  # noqa: F401  (a fixture)

LINK = re.compile(r"https?://\S+/password/set/\S+/")


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(0)


def last_link(kind: str = "invitation") -> str:
    return link_in(OutboxMessage.objects.filter(kind=kind).latest("created_at").body)


@pytest.fixture(autouse=True)
def base_url(settings: Settings) -> None:
    settings.SUSTAIN_BASE_URL = "https://sustain.example.com"
