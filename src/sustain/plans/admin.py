from __future__ import annotations

from django.contrib import admin

from sustain.plans.models import CheckIn, Phase, Plan, PlanItem, PlanPolicy


class PhaseInline(admin.TabularInline[Phase, Plan]):
    model = Phase
    extra = 0
    raw_id_fields = ["concept"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ["rep", "program", "start", "committed_at", "mandatory_reason", "flagged_at"]
    list_filter = ["program", "mandatory_reason"]
    raw_id_fields = ["enrollment", "rep", "program"]
    inlines = [PhaseInline]


@admin.register(PlanPolicy)
class PlanPolicyAdmin(admin.ModelAdmin[PlanPolicy]):
    list_display = [
        "program",
        "plan_days",
        "commit_within_days",
        "new_hire_days",
        "quota_threshold",
        "quota_periods",
    ]


admin.site.register(CheckIn)
admin.site.register(PlanItem)
