"""Django's admin site for platform operators. No model imports here: the app config is
loaded with INSTALLED_APPS, before models are."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class PlatformAdminSite(admin.AdminSite):
    """Django's admin is for platform operators: active staff with no organization. An
    organization's admin works in Sustain's own pages, which are scoped to her tenant; the
    admin is not (it lists every organization), so she is never let in, even if a flag were
    set by hand (the database refuses that too: `person_org_member_not_staff`)."""

    site_header = "Sustain platform administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "organization_id", None) is None
        )


class PlatformAdminConfig(AdminConfig):
    default_site = "sustain.orgs.adminsite.PlatformAdminSite"
