"""Reads of refreshers: what is due for a person, and retention over time as a chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from sustain.orgs.models import Person
from sustain.programs.models import Program
from sustain.refreshers.models import Card, Question, Review
from sustain.refreshers.services import due_cutoff


def due_cards(*, person: Person, today: dt.date) -> QuerySet[Card]:
    return (
        Card.objects.filter(person=person, due__lt=due_cutoff(today))
        .select_related("question__concept").order_by("due", "pk")
    )


def questions_for(program: Program) -> QuerySet[Question]:
    return Question.objects.filter(concept__program=program).select_related("concept")


def recent_reviews(*, person: Person, limit: int = 10) -> QuerySet[Review]:
    return (Review.objects.filter(person=person).select_related("card__question", "concept")
            .order_by("-reviewed_at")[:limit])


def retention(*, program: Program, by: str) -> list[dict[str, Any]]:
    """Share of answers correct per week and per concept (`by="concept"`) or per team
    (`by="team"`): aggregates only, no person appears."""
    field = "concept__name" if by == "concept" else "team__name"
    rows = (
        Review.objects.filter(concept__program=program)
        .annotate(week=TruncWeek("reviewed_at"))
        .values("week", field)
        .annotate(n=Count("id"), correct=Count("id", filter=Q(correct=True)))
        .order_by("week", field)
    )
    return [
        {"week": r["week"].date().isoformat(), "group": r[field] or "No team",
         "retention": round(r["correct"] / r["n"], 3), "answers": r["n"]}
        for r in rows
    ]


def retention_spec(*, program: Program, by: str) -> dict[str, Any]:
    """A Vega-Lite line chart of weekly retention."""
    label = "Concept" if by == "concept" else "Team"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container", "height": 260,
        "data": {"values": retention(program=program, by=by)},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "week", "type": "temporal", "title": "Week"},
            "y": {"field": "retention", "type": "quantitative", "title": "Answered correctly",
                  "axis": {"format": "%"}, "scale": {"domain": [0, 1]}},
            "color": {"field": "group", "type": "nominal", "title": label},
            "tooltip": [{"field": "group", "title": label}, {"field": "week", "type": "temporal"},
                        {"field": "retention", "format": ".0%"}, {"field": "answers"}],
        },
    }
