from __future__ import annotations

from django.urls import path

from sustain.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:message_id>/", views.outbox_message, name="message"),
]
