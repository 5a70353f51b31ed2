"""Chat and webhook targets: validating them at the edge, the small JSON payloads Slack,
Teams and signed webhooks take, and one HTTP POST per delivery attempt.

Written here rather than with apprise: apprise retries on its own, follows its own
timeouts and reports a bare True/False, so the outbox could neither keep "one attempt per
claim" nor record why a delivery failed. These payloads are a few lines each."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from sustain.notify.models import ChannelKind

MAX_TARGET_LENGTH = 500
SIGNATURE_HEADER = "X-Sustain-Signature"
TIMESTAMP_HEADER = "X-Sustain-Timestamp"
DELIVERY_HEADER = "X-Sustain-Delivery"

# Incoming-webhook hosts of each chat service.
SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
TEAMS_HOST_SUFFIXES = (".webhook.office.com", ".logic.azure.com", ".powerplatform.com")


def private_targets_allowed() -> bool:
    """http:// and private or loopback addresses: for DEBUG and the tests' local receiver
    only, never in production (a webhook must not reach the server's own network)."""
    return bool(getattr(settings, "SUSTAIN_CHANNELS_ALLOW_PRIVATE", settings.DEBUG))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def _check_address(host: str) -> None:
    """Every address the host resolves to must be public (unless private ones are
    allowed). Raises ValueError; run again at each send, as DNS may change."""
    if private_targets_allowed():
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ValueError(f"The host {host} cannot be resolved.") from exc
    for info in infos:
        if not _is_public(str(info[4][0])):
            raise ValueError(f"The host {host} is a private or local address.")


def validate_target(kind: str, target: str) -> str:
    """The target, stripped, or a ValidationError saying what is wrong with it."""
    target = (target or "").strip()
    if kind not in ChannelKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(ChannelKind.values)}."})
    if not target:
        raise ValidationError({"target": "Give the webhook URL or the email address."})
    if len(target) > MAX_TARGET_LENGTH:
        raise ValidationError({"target": f"At most {MAX_TARGET_LENGTH} characters."})
    if kind == ChannelKind.EMAIL:
        try:
            EmailValidator()(target)
        except ValidationError:
            raise ValidationError({"target": "Enter a valid email address."}) from None
        return target.lower()
    parts = urlsplit(target)
    host = (parts.hostname or "").lower()
    local = host in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (
        parts.scheme == "http" and local and private_targets_allowed()
    ):
        raise ValidationError({"target": "The URL must start with https://."})
    if not host or parts.username or parts.password:
        raise ValidationError({"target": "Give a URL with a host and no user name in it."})
    if kind == ChannelKind.SLACK and host not in SLACK_HOSTS:
        raise ValidationError(
            {"target": "A Slack incoming webhook starts with https://hooks.slack.com/."}
        )
    if kind == ChannelKind.TEAMS and not host.endswith(TEAMS_HOST_SUFFIXES):
        raise ValidationError(
            {
                "target": "A Teams incoming webhook is on webhook.office.com (or a Power "
                "Automate workflow URL)."
            }
        )
    if kind == ChannelKind.WEBHOOK:
        try:
            _check_address(host)
        except ValueError as exc:
            raise ValidationError({"target": str(exc)}) from None
    return target


# Payloads ---------------------------------------------------------------------------


def payload(
    kind: str, *, target: str, subject: str, text: str, link: str, event: str, message_id: int
) -> dict[str, Any]:
    """The JSON body for a chat or webhook target. `text` is the compact form."""
    if kind == ChannelKind.SLACK:
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}},
        ]
        if link:
            blocks.append(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{link}|Open>"}]}
            )
        return {"text": f"{subject}\n{text}", "blocks": blocks}
    if kind == ChannelKind.TEAMS and (urlsplit(target).hostname or "").endswith(
        ".webhook.office.com"
    ):
        # A classic Office 365 connector takes a MessageCard.
        card: dict[str, Any] = {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": subject[:150],
            "title": subject,
            "text": text.replace("\n", "<br>"),
        }
        if link:
            card["potentialAction"] = [
                {"@type": "OpenUri", "name": "Open", "targets": [{"os": "default", "uri": link}]}
            ]
        return card
    if kind == ChannelKind.TEAMS:
        # A Workflows (Power Automate) webhook takes an Adaptive Card in a message envelope.
        content: dict[str, Any] = {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": subject, "weight": "Bolder", "wrap": True},
                {"type": "TextBlock", "text": text, "wrap": True},
            ],
        }
        if link:
            content["actions"] = [{"type": "Action.OpenUrl", "title": "Open", "url": link}]
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}
            ],
        }
    return {
        "id": message_id,
        "event": event or "message",
        "subject": subject,
        "text": text,
        "link": link,
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the channel's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, headers: Any, body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does (documented in docs/notifications.md): recompute the
    signature and refuse stale timestamps."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, headers.get(SIGNATURE_HEADER, ""))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could lead a webhook to a private address checked nowhere.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: dict[str, Any], *, secret: str, message_id: int) -> None:
    """One POST, no retry and no redirect, within `SUSTAIN_CHANNEL_TIMEOUT_SECONDS`.
    Raises on anything but a 2xx answer, with the reason the outbox records."""
    host = urlsplit(url).hostname or ""
    _check_address(host)
    data = json.dumps(body, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Sustain",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, data),
            DELIVERY_HEADER: str(message_id),
        },
    )
    try:
        with _opener.open(request, timeout=settings.SUSTAIN_CHANNEL_TIMEOUT_SECONDS) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{host} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RuntimeError(f"{host} did not answer: {reason}") from None
