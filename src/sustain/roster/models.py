"""The roster import keeps one thing: how an organization's HRIS export names its columns."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sustain.orgs.models import Organization


class RosterMapping(models.Model):
    """Which header of the organization's export holds each roster field ({field: header}),
    and how its dates are written, so the next export imports without asking again."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="roster_mapping"
    )
    columns = models.JSONField(default=dict, blank=True)
    date_order = models.CharField(
        max_length=3,
        blank=True,
        choices=[
            ("", "Only unambiguous dates"),
            ("dmy", "Day/month/year"),
            ("mdy", "Month/day/year"),
        ],
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Roster mapping of {self.organization}"
