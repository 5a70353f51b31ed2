"""Home page panel: the viewer's open alerts, for every role that has any."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sustain.health import selectors
from sustain.orgs.models import Person
from sustain.web.home import home_panel


@home_panel("health/_panel.html")
def alerts_panel(viewer: Person) -> dict[str, Any] | None:
    alerts = list(selectors.alerts_for(viewer=viewer, status="open")[:4])
    if not alerts:
        return None
    more = len(alerts) > 3
    return {"title": "Alerts", "url": reverse("health:alerts"), "alerts": alerts[:3], "more": more}
