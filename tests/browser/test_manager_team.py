from __future__ import annotations

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import SignIn
from tests.conftest import Cast


@pytest.mark.django_db(transaction=True)
def test_it_shows_a_manager_her_team_and_not_another(
    cast: Cast, sign_in: SignIn, live_server: LiveServer
) -> None:
    page = sign_in(cast.manager.email)
    team_table = page.locator("table[data-team='West 1']")
    assert team_table.get_by_text("Rita Rep").is_visible()
    assert page.get_by_text("Oscar Otherrep").count() == 0

    page.goto(f"{live_server.url}/teams/")
    assert page.get_by_role("link", name="West 1").is_visible()
    assert page.get_by_role("link", name="West 2").count() == 0

    response = page.goto(f"{live_server.url}/teams/{cast.other_team.pk}/")
    assert response is not None and response.status == 404
