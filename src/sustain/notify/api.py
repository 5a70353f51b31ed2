"""The outbox, read-only, for the organization's admins."""

# No `from __future__ import annotations`: ninja reads the query parameters' types
# through @paginate's wrapper, whose globals do not hold this module's names.

from typing import Any, Literal

from django.db.models import QuerySet
from ninja import Field, ModelSchema, Router, Schema
from ninja.responses import Status

from sustain.api.pagination import paginated
from sustain.api.schemas import Input, Output
from sustain.notify import selectors, services
from sustain.notify.models import (
    AlertsMode,
    Channel,
    ChannelKind,
    NotificationPreferences,
    OutboxMessage,
    OutboxStatus,
)
from sustain.orgs import access
from sustain.orgs.http import AuthenticatedHttpRequest

# One router (tags per operation): api/urls.py documents the errors of a router's own
# operations, not of nested ones.
router = Router()


class OutboxMessageOut(Output, ModelSchema):
    to: str
    status: OutboxStatus

    class Meta:
        model = OutboxMessage
        fields = ["id", "created_at", "kind", "subject", "attempts", "last_error", "sent_at"]

    @staticmethod
    def resolve_to(obj: OutboxMessage) -> str:
        return obj.shown_to


@router.get("/outbox", response=list[OutboxMessageOut], tags=["outbox"])
@paginated
def outbox_list(
    request: AuthenticatedHttpRequest, status: OutboxStatus | None = None
) -> QuerySet[OutboxMessage]:
    """Admins only: the organization's messages, newest first."""
    return selectors.outbox_list(viewer=request.user, status=status or "")


# Channels -----------------------------------------------------------------------------

NOTIFICATIONS = ["notifications"]


# Literals rather than the enums, under these names in the document.
KindIn = Literal["email", "slack", "teams", "webhook"]
AlertsModeIn = Literal["immediate", "digest"]


class ChannelIn(Input, ModelSchema):
    kind: KindIn
    target: str = Field(description="The https webhook URL or email address.")
    organization_wide: bool = Field(
        False, description="Admins: the organization's channel (its weekly summary)."
    )

    class Meta:
        model = Channel
        fields = ["target", "label", "digests", "alerts"]


class ChannelOut(Output, ModelSchema):
    kind: ChannelKind
    owner: int | None = Field(description="Null for the organization's channels.")

    class Meta:
        model = Channel
        fields = ["id", "target", "label", "digests", "alerts", "is_active", "created_at"]

    @staticmethod
    def resolve_owner(obj: Channel) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_kind(obj: Channel) -> ChannelKind:
        return ChannelKind(obj.kind)


class ChannelCreated(ChannelOut):
    secret: str = Field(description="Signs webhook bodies: see docs/notifications.md.")


class ChannelTestOut(Schema):
    message: int
    status: OutboxStatus


@router.get("/channels", response=list[ChannelOut], tags=NOTIFICATIONS)
@paginated
def channels_list(request: AuthenticatedHttpRequest) -> QuerySet[Channel]:
    """Your channels; an admin also sees the organization's."""
    return access.channels_visible_to(request.user)  # type: ignore[return-value]


@router.post("/channels", response={201: ChannelCreated}, tags=NOTIFICATIONS)
def channels_create(request: AuthenticatedHttpRequest, payload: ChannelIn) -> Status[Channel]:
    channel = services.channel_create(by=request.user, **payload.dict())
    return Status(201, channel)


@router.delete("/channels/{channel_id}", response={204: None}, tags=NOTIFICATIONS)
def channels_delete(request: AuthenticatedHttpRequest, channel_id: int) -> Status[None]:
    channel = access.get_channel_for(request.user, channel_id)
    services.channel_delete(channel=channel, by=request.user)  # type: ignore[arg-type]
    return Status(204, None)


@router.post("/channels/{channel_id}/test", response={202: ChannelTestOut}, tags=NOTIFICATIONS)
def channels_test(request: AuthenticatedHttpRequest, channel_id: int) -> Status[dict[str, Any]]:
    """Queue a test message through the outbox; the worker sends it within seconds."""
    channel = access.get_channel_for(request.user, channel_id)
    message = services.channel_test(channel=channel, by=request.user)  # type: ignore[arg-type]
    return Status(202, {"message": message.pk, "status": message.status})


# Preferences ------------------------------------------------------------------------------


class PreferencesOut(Output, ModelSchema):
    alerts_mode: AlertsMode

    class Meta:
        model = NotificationPreferences
        fields = ["digest_email", "quiet_start", "quiet_end", "time_zone"]


class PreferencesPatch(Input, ModelSchema):
    alerts_mode: AlertsModeIn | None = None

    class Meta:
        model = NotificationPreferences
        fields = ["digest_email", "quiet_start", "quiet_end", "time_zone"]
        fields_optional = "__all__"


@router.get("/me/notifications", response=PreferencesOut, tags=NOTIFICATIONS)
def preferences_get(request: AuthenticatedHttpRequest) -> NotificationPreferences:
    return services.preferences_of(request.user)


@router.patch("/me/notifications", response=PreferencesOut, tags=NOTIFICATIONS)
def preferences_patch(
    request: AuthenticatedHttpRequest, payload: PreferencesPatch
) -> NotificationPreferences:
    """Changes the fields given; quiet hours take both ends, in `time_zone` (an IANA name
    such as Europe/Berlin; empty for the installation's)."""
    return services.preferences_update(person=request.user, **payload.dict(exclude_unset=True))
