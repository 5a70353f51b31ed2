"""Demo: the analyst's CRM sync runs on an expiring API token, and an old token of the
admin's has expired, so the API tokens page, the audit log and their APIs show something."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sustain.demo.context import DemoContext
from sustain.orgs.models import ApiToken
from sustain.orgs.services import api_token_issue


def build(ctx: DemoContext) -> None:
    analyst, admin = ctx.logins["analyst"], ctx.logins["admin"]
    token, _ = api_token_issue(person=analyst, label="CRM sync", expires_in_days=90, by=analyst)
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now - dt.timedelta(hours=3))
    old, _ = api_token_issue(person=admin, label="Spreadsheet export", expires_in_days=1, by=admin)
    ApiToken.objects.filter(pk=old.pk).update(
        created_at=now - dt.timedelta(days=40), expires_at=now - dt.timedelta(days=39)
    )
