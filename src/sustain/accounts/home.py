"""The go-live checklist on an administrator's home page, shown until the organization is
ready: people in, teams led, mail configured, everyone invited, a first program."""

from __future__ import annotations

from typing import Any

from sustain.accounts import selectors
from sustain.orgs.models import Person, Role
from sustain.web.home import home_panel


@home_panel("accounts/_go_live.html", lead=True)
def go_live_panel(viewer: Person) -> dict[str, Any] | None:
    if viewer.role != Role.ADMIN or viewer.organization is None:
        return None
    status = selectors.go_live(organization=viewer.organization)
    return None if status.ready else {"go_live": status}
