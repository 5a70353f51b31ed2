from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sustain.orgs.models import ApiToken, Organization, Person, Region, Team


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["name", "organization"]
    list_filter = ["organization"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "organization", "region", "manager"]
    list_filter = ["organization", "region"]
    list_select_related = ["organization", "region", "manager"]


@admin.register(Person)
class PersonAdmin(UserAdmin[Person]):
    ordering = ["name"]
    list_display = ["name", "email", "role", "organization", "team", "is_staff"]
    list_filter = ["organization", "role", "is_staff"]
    list_select_related = ["organization", "team"]
    search_fields = ["name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Profile",
            {
                "fields": [
                    "organization",
                    "name",
                    "title",
                    "role",
                    "hire_date",
                    "region",
                    "team",
                    "external_id",
                ]
            },
        ),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "name", "organization", "role", "password1", "password2"]})
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["person", "label", "created_at", "last_used_at"]
    readonly_fields = ["digest", "created_at", "last_used_at"]
