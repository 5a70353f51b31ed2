"""Who may invite and unlock: admins of the same organization only."""

from __future__ import annotations

import pytest
from django.test import Client

from sustain.notify.models import OutboxMessage
from tests.conftest import Api, Cast

# role -> expected status for (page invite, API invite, page unlock, API unlock)
MATRIX = {
    "admin": (302, 202, 302, 200),
    "executive": (403, 403, 403, 403),
    "owner": (403, 403, 403, 403),
    "analyst": (403, 403, 403, 403),
    "manager": (403, 403, 403, 403),  # Rita is on her team: she sees her, may not invite her
    "rep": (403, 403, 403, 403),  # herself
    "trainer": (404, 404, 404, 404),
    "outsider": (404, 404, 404, 404),
}


@pytest.mark.parametrize("role", MATRIX)
def test_it_lets_only_admins_invite_and_unlock(
    role: str, cast: Cast, client: Client, api: Api
) -> None:
    viewer = cast.by_role(role)
    client.force_login(viewer)
    token = api(viewer)
    got = (
        client.post(f"/people/{cast.rep.pk}/invite/").status_code,
        token.post(f"/people/{cast.rep.pk}/invite").status_code,
        client.post(f"/people/{cast.rep.pk}/unlock/").status_code,
        token.post(f"/people/{cast.rep.pk}/unlock").status_code,
    )
    assert got == MATRIX[role]
    assert OutboxMessage.objects.exists() == (role == "admin")
