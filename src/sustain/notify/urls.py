from __future__ import annotations

from django.urls import path

from sustain.notify import views

app_name = "notify"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/", views.outbox_message, name="message"),
    path("settings/notifications/", views.notification_settings, name="settings"),
    path("settings/notifications/channels/", views.channel_add, name="channel_add"),
    path(
        "settings/notifications/channels/<int:channel_id>/delete/",
        views.channel_delete,
        name="channel_delete",
    ),
    path(
        "settings/notifications/channels/<int:channel_id>/test/",
        views.channel_test,
        name="channel_test",
    ),
    path("settings/notifications/digest/", views.digest_preview, name="digest_preview"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
