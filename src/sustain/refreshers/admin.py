from __future__ import annotations

from django.contrib import admin

from sustain.refreshers.models import Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ["prompt", "concept", "kind"]
    list_filter = ["kind"]
