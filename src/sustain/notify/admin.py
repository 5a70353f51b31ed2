from __future__ import annotations

from django.contrib import admin

from sustain.notify.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["to", "subject"]
    readonly_fields = ["created_at", "sent_at", "attempts", "claimed_until", "last_error"]
