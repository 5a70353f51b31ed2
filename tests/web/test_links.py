"""No dead links: from each role's home page, every page link she is shown opens (no 404
or 500), on an organization that has only just started — a program, people, and none of
the observations, plans or runs the demo has."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Cast, Login

LINK = re.compile(r'href="(/[^"#?]*)')
NOT_PAGES = ("/static/", "/logout/", "/api/", "/admin/")
NOT_HTML = (".csv", ".pdf", ".zip", ".json")


@pytest.mark.parametrize(
    "role", ["admin", "executive", "owner", "analyst", "manager", "other_manager", "rep", "trainer"]
)
def test_it_shows_no_link_that_answers_404_or_500(cast: Cast, login: Login, role: str) -> None:
    client = login(cast.by_role(role))
    seen: set[str] = set()
    todo = ["/"]
    broken = []
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (404, 500):
            broken.append((url, response.status_code))
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            todo += [
                link
                for link in LINK.findall(response.content.decode())
                if not link.startswith(NOT_PAGES) and not link.endswith(NOT_HTML)
            ]
    assert broken == []
    assert len(seen) > 3  # the walk went somewhere
