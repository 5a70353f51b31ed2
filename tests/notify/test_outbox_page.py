"""The outbox status page: an admin sees her organization's messages with their status,
attempts and last error, without Django's admin."""

from __future__ import annotations

import pytest

from sustain.notify.models import OutboxMessage, OutboxStatus
from tests.conftest import Api, Cast, Login


@pytest.fixture
def failed(cast: Cast) -> OutboxMessage:
    assert cast.outsider.organization is not None
    OutboxMessage.objects.create(
        organization=cast.outsider.organization, to="x@globex.example", subject="Globex digest"
    )
    OutboxMessage.objects.create(
        organization=cast.org, to=cast.rep.email, subject="Sent digest", status=OutboxStatus.SENT
    )
    return OutboxMessage.objects.create(
        organization=cast.org,
        to=cast.manager.email,
        subject="Coaching nudge",
        status=OutboxStatus.FAILED,
        attempts=5,
        last_error="550 mailbox unavailable",
    )


def test_it_shows_an_admin_status_attempts_and_last_error(
    cast: Cast, failed: OutboxMessage, login: Login
) -> None:
    content = login(cast.admin).get("/outbox/").content.decode()
    assert "Coaching nudge" in content and "Sent digest" in content
    assert "550 mailbox unavailable" in content
    assert "Globex digest" not in content


def test_it_filters_by_status(cast: Cast, failed: OutboxMessage, login: Login) -> None:
    content = login(cast.admin).get("/outbox/?status=failed").content.decode()
    assert "Coaching nudge" in content and "Sent digest" not in content


def test_it_links_the_outbox_for_admins_only(cast: Cast, login: Login) -> None:
    assert b'href="/outbox/"' in login(cast.admin).get("/").content
    assert b'href="/outbox/"' not in login(cast.executive).get("/").content


@pytest.mark.parametrize("role", ["executive", "owner", "manager", "rep", "trainer", "analyst"])
def test_it_is_for_admins_only(
    cast: Cast, failed: OutboxMessage, login: Login, api: Api, role: str
) -> None:
    person = cast.by_role(role)
    assert login(person).get("/outbox/").status_code == 403
    assert login(person).get(f"/outbox/{failed.pk}/").status_code == 403
    assert api(person).get("/outbox").status_code == 403


def test_it_404s_another_organizations_message(
    cast: Cast, failed: OutboxMessage, login: Login
) -> None:
    foreign = OutboxMessage.objects.get(subject="Globex digest")
    assert login(cast.admin).get(f"/outbox/{foreign.pk}/").status_code == 404
    assert login(cast.admin).get(f"/outbox/{failed.pk}/").status_code == 200


def test_it_lists_the_outbox_through_the_api(cast: Cast, failed: OutboxMessage, api: Api) -> None:
    body = api(cast.admin).get("/outbox?status=failed").json()
    assert body["count"] == 1
    assert body["items"][0]["last_error"] == "550 mailbox unavailable"
    assert body["items"][0]["attempts"] == 5
