"""The adoption panel of the home page: for a rep her own calls, for a manager her team's,
for leaders the whole program's — the share of the last eight weeks' calls using each
concept, with its agreement with managers beside it. Not for the trainer (aggregates on
the program's page, above the minimum group size)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from sustain.adoption import selectors
from sustain.adoption.models import CallStatus, Detection
from sustain.orgs import access
from sustain.orgs.models import Person
from sustain.web.home import home_panel

WEEKS = 8


@home_panel("adoption/_panel.html")
def adoption_panel(viewer: Person) -> dict[str, Any] | None:
    if not access.sees_individuals(viewer):
        return None
    since = timezone.localdate() - dt.timedelta(weeks=WEEKS)
    calls = access.calls_visible_to(viewer).filter(status=CallStatus.DONE, date__gt=since)
    rows = list(
        Detection.objects.filter(call__in=calls)
        .values("call__program_id", "concept_id", "concept__name", "concept__position")
        .annotate(total=Count("id"), used=Count("id", filter=Q(used=True)))
        .order_by("-call__program_id", "concept__position")
    )
    if not rows:
        return None
    program = access.get_program_for(viewer, rows[0]["call__program_id"])
    calibration = {r.concept.pk: r for r in selectors.calibration(program)}
    return {
        "program": program,
        "weeks": WEEKS,
        "mine": viewer.role == "rep",
        "min_labels": selectors.MIN_CALIBRATION_LABELS,
        "rows": [
            {
                "name": r["concept__name"],
                "calls": r["total"],
                "share": r["used"] / r["total"],
                "calibration": calibration.get(r["concept_id"]),
            }
            for r in rows
            if r["call__program_id"] == program.pk
        ],
    }
