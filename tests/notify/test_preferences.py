"""Preferences: the API and page, quiet hours holding messages, alerts in the digest only,
alerts copied to a person's channels, and the one-click unsubscribe link."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import Client
from django.utils import timezone

from sustain.notify.models import Channel, NotificationPreferences, OutboxMessage
from sustain.notify.services import (
    OutboxDraft,
    outbox_deliver_due,
    outbox_enqueue,
    outbox_enqueue_many,
    preferences_update,
    quiet_until,
    unsubscribe_headers,
    unsubscribe_token,
)
from sustain.orgs.models import Person
from tests.conftest import Api, Cast, Login


def test_it_answers_the_defaults_and_saves_a_patch(cast: Cast, api: Api) -> None:
    client = api(cast.rep)
    assert client.get("/me/notifications").json() == {
        "digest_email": True,
        "alerts_mode": "immediate",
        "quiet_start": None,
        "quiet_end": None,
        "time_zone": "",
    }
    r = client.patch("/me/notifications", {"quiet_start": "22:00", "quiet_end": "07:00"})
    assert r.status_code == 200, r.content
    prefs = NotificationPreferences.objects.get(person=cast.rep)
    assert (prefs.quiet_start, prefs.quiet_end) == (dt.time(22), dt.time(7))
    assert prefs.digest_email is True


def test_it_refuses_half_quiet_hours_and_changes_nothing(cast: Cast, api: Api) -> None:
    r = api(cast.rep).patch("/me/notifications", {"quiet_start": "22:00"})
    assert r.status_code == 400 and "both" in r.json()["detail"]
    r = api(cast.rep).patch("/me/notifications", {"alerts_mode": "never"})
    assert r.status_code == 422
    assert not NotificationPreferences.objects.exists()


def test_it_saves_preferences_from_the_page(cast: Cast, login: Login) -> None:
    client = login(cast.manager)
    page = client.get("/settings/notifications/")
    assert page.status_code == 200 and b"Add a channel" in page.content
    assert b'href="/settings/notifications/"' in client.get("/").content  # the user menu
    r = client.post(
        "/settings/notifications/",
        {"alerts_mode": "digest", "quiet_start": "", "quiet_end": ""},
    )
    assert r.status_code == 302
    prefs = NotificationPreferences.objects.get(person=cast.manager)
    assert (prefs.alerts_mode, prefs.digest_email) == ("digest", False)


def test_it_shows_a_bad_channel_beside_the_field_and_writes_nothing(
    cast: Cast, login: Login
) -> None:
    r = login(cast.rep).post(
        "/settings/notifications/channels/",
        {"kind": "slack", "target": "https://example.com/x"},
    )
    assert r.status_code == 400 and b"hooks.slack.com" in r.content
    assert not Channel.objects.exists()


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, 24, hour, minute))


def test_it_computes_the_end_of_quiet_hours_across_midnight(cast: Cast) -> None:
    prefs = NotificationPreferences(person=cast.rep, quiet_start=dt.time(22), quiet_end=dt.time(7))
    assert quiet_until(prefs, _at(23)) == _at(7) + dt.timedelta(days=1)
    assert quiet_until(prefs, _at(3)) == _at(7)
    assert quiet_until(prefs, _at(12)) is None
    assert quiet_until(None, _at(3)) is None


def test_it_keeps_quiet_hours_in_the_persons_own_time_zone(cast: Cast) -> None:
    # 22:00 to 07:00 in Tokyo (UTC+9, no daylight saving) is 13:00 to 22:00 UTC.
    prefs = NotificationPreferences(
        person=cast.rep, quiet_start=dt.time(22), quiet_end=dt.time(7), time_zone="Asia/Tokyo"
    )
    utc = dt.UTC
    assert quiet_until(prefs, dt.datetime(2026, 11, 24, 14, tzinfo=utc)) == dt.datetime(
        2026, 11, 24, 22, tzinfo=utc
    )
    assert quiet_until(prefs, dt.datetime(2026, 11, 24, 23, tzinfo=utc)) is None


def test_it_saves_a_time_zone_and_refuses_one_that_does_not_exist(
    cast: Cast, api: Api, login: Login
) -> None:
    r = api(cast.rep).patch("/me/notifications", {"time_zone": "Europe/Atlantis"})
    assert r.status_code == 400 and "not a time zone" in r.json()["detail"]
    assert not NotificationPreferences.objects.exists()
    r = api(cast.rep).patch("/me/notifications", {"time_zone": "America/New_York"})
    assert (r.status_code, r.json()["time_zone"]) == (200, "America/New_York")
    page = login(cast.manager).post(
        "/settings/notifications/", {"alerts_mode": "immediate", "time_zone": "Mars/Olympus"}
    )
    assert page.status_code == 400 and "is not a time zone" in page.content.decode()
    assert not NotificationPreferences.objects.filter(person=cast.manager).exists()
    login(cast.manager).post(
        "/settings/notifications/", {"alerts_mode": "immediate", "time_zone": "Asia/Kolkata"}
    )
    assert NotificationPreferences.objects.get(person=cast.manager).time_zone == "Asia/Kolkata"


def test_it_holds_a_message_until_quiet_hours_end(cast: Cast) -> None:
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    preferences_update(person=cast.rep, quiet_start=start, quiet_end=end)
    message = outbox_enqueue(recipient=cast.rep, subject="Hi", body="b", kind="test")
    assert message is not None and message.claimed_until is not None
    assert message.claimed_until > timezone.now()
    assert outbox_deliver_due() == 0 and mail.outbox == []
    later = message.claimed_until + dt.timedelta(seconds=1)
    assert outbox_deliver_due(clock=lambda: later) == 1


def _alert(cast: Cast, person: Person) -> OutboxDraft:
    return OutboxDraft.for_person(
        person, subject="Alert", body="b", kind="alert_opened", dedupe_key=f"alert:1:{person.pk}"
    )


def test_it_keeps_alerts_for_the_digest_when_she_asks(cast: Cast) -> None:
    preferences_update(person=cast.manager, alerts_mode="digest")
    outbox_enqueue_many(messages=[_alert(cast, cast.manager), _alert(cast, cast.rep)])
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [cast.rep.pk]


def test_it_copies_an_alert_to_her_channels_that_take_alerts(cast: Cast) -> None:
    on = Channel.objects.create(
        organization=cast.org, owner=cast.manager, kind="slack", target="https://hooks.slack.com/x"
    )
    Channel.objects.create(
        organization=cast.org, owner=cast.manager, kind="teams", target="https://t", alerts=False
    )
    outbox_enqueue_many(messages=[_alert(cast, cast.manager)])
    outbox_enqueue_many(messages=[_alert(cast, cast.manager)])  # a rerun adds nothing
    rows = OutboxMessage.objects.order_by("pk")
    assert [(m.channel, m.destination_id) for m in rows] == [("email", None), ("slack", on.pk)]


def test_it_unsubscribes_in_one_click_without_login(cast: Cast, client: Client) -> None:
    preferences_update(person=cast.rep, alerts_mode="digest")
    token = unsubscribe_token(cast.rep)
    url = f"/notifications/unsubscribe/{token}/"
    assert unsubscribe_headers(token)["List-Unsubscribe"] == f"<http://127.0.0.1:8000{url}>"
    assert client.get(url).status_code == 200  # a link scanner's GET changes nothing
    assert not NotificationPreferences.objects.filter(digest_email=False).exists()
    r = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    prefs = NotificationPreferences.objects.get(person=cast.rep)
    assert (prefs.digest_email, prefs.alerts_mode) == (False, "digest")  # only that one


def test_it_refuses_a_forged_unsubscribe_link(cast: Cast, client: Client) -> None:
    token = unsubscribe_token(cast.rep)
    r = client.post(f"/notifications/unsubscribe/{token[:-2]}xx/")
    assert r.status_code == 400
    assert not NotificationPreferences.objects.exists()


def test_it_lets_nobody_else_test_or_remove_her_channel_from_the_page(
    cast: Cast, login: Login
) -> None:
    channel = Channel.objects.create(
        organization=cast.org, owner=cast.rep, kind="slack", target="https://hooks.slack.com/x"
    )
    for person in (cast.manager, cast.admin, cast.outsider):
        client = login(person)
        url = f"/settings/notifications/channels/{channel.pk}/"
        assert client.post(url + "delete/").status_code == 404
        assert client.post(url + "test/").status_code == 404
    assert Channel.objects.filter(pk=channel.pk).exists() and not OutboxMessage.objects.exists()
    r = login(cast.rep).post(f"/settings/notifications/channels/{channel.pk}/test/")
    assert r.status_code == 302 and OutboxMessage.objects.get().destination == channel
