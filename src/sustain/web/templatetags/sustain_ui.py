"""Shared page furniture: the program sub-navigation every program-scoped page shows."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from sustain.programs.models import Program
from sustain.programs.tabs import program_tabs

register = template.Library()


@register.inclusion_tag("web/_program_nav.html", takes_context=True)
def program_nav(context: template.Context, program: Program) -> dict[str, object]:
    request = context["request"]
    overview = reverse("programs:detail", args=[program.pk])
    items: list[dict[str, Any]] = [
        {"label": "Overview", "url": overview},
        *program_tabs(request.user, program),
    ]
    # The longest url that prefixes the path wins: /readiness/1/ must not light up on
    # /readiness/1/brief/, which has its own tab.
    matches = [
        i["url"]
        for i in items
        if request.path.startswith(i["url"]) and (i["url"] != overview or request.path == overview)
    ]
    current = max(matches, key=len, default=None)
    for item in items:
        item["active"] = item["url"] == current
    return {"items": items}


@register.filter
def pvalue(value: Any) -> str:
    """A p-value as people read it: two decimals, or "< 0.001" (never 4.5e-178)."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        return "—"
    if p != p:  # NaN: not computed
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}" if p < 0.01 else f"{p:.2f}"
