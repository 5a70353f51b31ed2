"""Chat and webhook channels: added at the edge with checked targets, delivered through
the outbox to a real local receiver, signed, retried, never hanging the worker."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from sustain.audit.models import AuditEvent
from sustain.notify import targets
from sustain.notify.models import Channel, ChannelKind, OutboxMessage, OutboxStatus
from sustain.notify.services import channel_test, outbox_deliver_due
from tests.conftest import Api, Cast, Login
from tests.notify.conftest import Receiver


def _channel(cast: Cast, receiver: Receiver, kind: str = ChannelKind.WEBHOOK) -> Channel:
    # Slack and Teams URLs must be on their services' hosts at the edge; the delivery is
    # the same POST, so the local receiver stands in for them here.
    return Channel.objects.create(
        organization=cast.org, owner=cast.manager, kind=kind, target=receiver.url
    )


def test_it_creates_a_webhook_channel_and_shows_its_secret_once(
    cast: Cast, api: Api, receiver: Receiver
) -> None:
    r = api(cast.manager).post("/channels", {"kind": "webhook", "target": receiver.url})
    assert r.status_code == 201, r.content
    body = r.json()
    channel = Channel.objects.get(pk=body["id"])
    assert (channel.owner, channel.kind, body["secret"]) == (
        cast.manager,
        "webhook",
        channel.secret,
    )
    assert "secret" not in api(cast.manager).get("/channels").json()["items"][0]
    event = AuditEvent.objects.get(kind="channel_added")
    assert "/hook" not in event.summary  # the URL's path is a secret too


@pytest.mark.parametrize(
    ("kind", "target", "problem"),
    [
        ("slack", "https://example.com/services/x", "hooks.slack.com"),
        ("teams", "https://hooks.slack.com/services/x", "webhook.office.com"),
        ("webhook", "ftp://example.com/x", "https://"),
        ("webhook", "https://" + "a" * 500 + ".example.com/", "at most 500"),
        ("email", "not-an-address", "valid email"),
        ("sms", "https://example.com/", "'slack', 'teams'"),
    ],
)
def test_it_refuses_a_bad_target_and_writes_nothing(
    cast: Cast, api: Api, kind: str, target: str, problem: str
) -> None:
    r = api(cast.manager).post("/channels", {"kind": kind, "target": target})
    assert r.status_code in (400, 422), r.content
    assert problem in r.content.decode()
    assert not Channel.objects.exists()
    assert not AuditEvent.objects.filter(kind="channel_added").exists()


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:9/x", "https://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x"],
)
def test_it_refuses_private_addresses_in_production(
    cast: Cast, api: Api, settings: Settings, target: str
) -> None:
    settings.SUSTAIN_CHANNELS_ALLOW_PRIVATE = False
    r = api(cast.manager).post("/channels", {"kind": "webhook", "target": target})
    assert r.status_code == 400, r.content
    assert not Channel.objects.exists()


def test_it_accepts_slack_and_teams_webhook_hosts(cast: Cast, api: Api) -> None:
    slack = api(cast.rep).post(
        "/channels", {"kind": "slack", "target": "https://hooks.slack.com/services/T0/B0/x"}
    )
    teams = api(cast.rep).post(
        "/channels", {"kind": "teams", "target": "https://acme.webhook.office.com/webhookb2/x"}
    )
    assert (slack.status_code, teams.status_code) == (201, 201)


def test_it_lets_only_admins_add_the_organizations_channels(cast: Cast, api: Api) -> None:
    body = {"kind": "email", "target": "sales@acme.example", "organization_wide": True}
    assert api(cast.manager).post("/channels", body).status_code == 403
    r = api(cast.admin).post("/channels", body)
    assert r.status_code == 201 and r.json()["owner"] is None
    assert api(cast.manager).get("/channels").json()["count"] == 0
    assert api(cast.admin).get("/channels").json()["count"] == 1


def test_it_hides_a_persons_channel_from_others_and_outsiders(
    cast: Cast, api: Api, receiver: Receiver
) -> None:
    channel = _channel(cast, receiver)
    for person in (cast.rep, cast.admin, cast.outsider):
        assert api(person).post(f"/channels/{channel.pk}/test").status_code == 404
        assert api(person).delete(f"/channels/{channel.pk}").status_code == 404
    assert Channel.objects.filter(pk=channel.pk).exists()


def test_it_deletes_a_channel(cast: Cast, api: Api, receiver: Receiver) -> None:
    channel = _channel(cast, receiver)
    assert api(cast.manager).delete(f"/channels/{channel.pk}").status_code == 204
    assert not Channel.objects.exists()


def test_it_delivers_the_test_message_signed_through_the_outbox(
    cast: Cast,
    api: Api,
    receiver: Receiver,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    channel = _channel(cast, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        r = api(cast.manager).post(f"/channels/{channel.pk}/test")
    assert r.status_code == 202
    message = OutboxMessage.objects.get(pk=r.json()["message"])
    assert message.status == OutboxStatus.SENT and message.destination == channel
    [post] = receiver.posts
    assert post.json["event"] == "channel_test" and "Mia Manager" in post.json["text"]
    assert targets.verify(channel.secret, post.headers, post.body)
    assert not targets.verify("another-secret", post.headers, post.body)
    assert post.headers[targets.DELIVERY_HEADER] == str(message.pk)


def test_it_refuses_a_stale_or_altered_signature(cast: Cast, receiver: Receiver) -> None:
    channel = _channel(cast, receiver)
    channel_test(channel=channel, by=cast.manager)
    outbox_deliver_due()
    [post] = receiver.posts
    assert not targets.verify(channel.secret, post.headers, post.body + b" ")
    old = str(int(time.time()) - 3600)
    stale = {**post.headers, targets.TIMESTAMP_HEADER: old}
    stale[targets.SIGNATURE_HEADER] = targets.signature(channel.secret, old, post.body)
    assert not targets.verify(channel.secret, stale, post.body)


def test_it_posts_slack_and_teams_formats(cast: Cast, receiver: Receiver) -> None:
    for kind in (ChannelKind.SLACK, ChannelKind.TEAMS):
        channel_test(channel=_channel(cast, receiver, kind), by=cast.manager)
    assert outbox_deliver_due() == 2
    slack, teams = (p.json for p in receiver.posts)
    assert "Sustain: test message" in slack["text"] and slack["blocks"][0]["type"] == "header"
    card = teams["attachments"][0]  # a Workflows webhook: an Adaptive Card
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"] == "Sustain: test message"
    link = slack["blocks"][-1]["elements"][0]["text"]
    assert link.startswith("<http://127.0.0.1:8000/settings/notifications/")


def test_it_retries_a_receiver_answering_500_and_records_why(
    cast: Cast, receiver: Receiver
) -> None:
    receiver.status = 500
    message = channel_test(channel=_channel(cast, receiver), by=cast.manager)
    assert outbox_deliver_due() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "HTTP 500" in message.last_error
    receiver.status = 200
    later = timezone.now() + dt.timedelta(minutes=5)
    assert outbox_deliver_due(clock=lambda: later) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and len(receiver.posts) == 2


def test_it_gives_up_on_a_receiver_that_does_not_answer_in_time(
    cast: Cast, receiver: Receiver, settings: Settings
) -> None:
    settings.SUSTAIN_CHANNEL_TIMEOUT_SECONDS = 0.3
    receiver.delay = 2.0
    message = channel_test(channel=_channel(cast, receiver), by=cast.manager)
    began = time.monotonic()
    assert outbox_deliver_due() == 0
    assert time.monotonic() - began < 1.5  # the worker is not held by the receiver
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and "did not answer" in message.last_error


def test_it_fails_a_message_whose_channel_was_deleted(cast: Cast, receiver: Receiver) -> None:
    channel = _channel(cast, receiver)
    message = channel_test(channel=channel, by=cast.manager)
    channel.delete()
    outbox_deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and "deleted" in message.last_error
    assert receiver.posts == []


def test_it_shows_admins_a_webhooks_host_not_its_url(
    cast: Cast, api: Api, login: Login, receiver: Receiver
) -> None:
    channel_test(channel=_channel(cast, receiver), by=cast.manager)
    [row] = api(cast.admin).get("/outbox").json()["items"]
    assert row["to"] == "Signed webhook: 127.0.0.1:" + receiver.url.split(":")[2].split("/")[0]
    assert b"/hook" not in login(cast.admin).get("/outbox/").content


def test_it_gives_a_classic_teams_connector_a_message_card() -> None:
    body = targets.payload(
        ChannelKind.TEAMS,
        target="https://acme.webhook.office.com/webhookb2/x",
        subject="Digest",
        text="line 1\nline 2",
        link="https://sustain.example.com/",
        event="weekly_digest",
        message_id=1,
    )
    assert (body["@type"], body["title"], body["text"]) == (
        "MessageCard",
        "Digest",
        "line 1<br>line 2",
    )
    assert body["potentialAction"][0]["targets"][0]["uri"] == "https://sustain.example.com/"
