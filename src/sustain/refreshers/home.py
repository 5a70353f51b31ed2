"""Home page panel: refreshers due today, for everyone who has cards (managers too)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from sustain.orgs.models import Person
from sustain.refreshers import selectors
from sustain.refreshers.models import Card
from sustain.web.home import home_panel


@home_panel("plans/_panel.html")
def refreshers_panel(viewer: Person) -> dict[str, Any] | None:
    if not Card.objects.filter(person=viewer).exists():
        return None
    n = selectors.due_cards(person=viewer, today=timezone.localdate()).count()
    text = (
        f"{n} refresher{'s' if n != 1 else ''} due today." if n else "Nothing due today: well done."
    )
    return {"title": "Refreshers", "url": reverse("refreshers:due"), "text": text}
