"""The weekly digest: what each role gets, from one template set; queued once a week per
person and channel; absolute links; one-click unsubscribe; the preview page."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from sustain.demo.context import DemoContext
from sustain.health.digest import digest_for, digests_sweep, organization_digest, render
from sustain.health.models import Alert, HealthDay, Level
from sustain.notify.models import Channel, OutboxMessage
from sustain.notify.services import outbox_deliver_due, preferences_update
from sustain.orgs.models import Person, Team
from tests.conftest import DEMO_TODAY, Cast, Login


def _titles(person: Person) -> list[str]:
    return [s.title for s in digest_for(person, today=DEMO_TODAY).sections]


def test_it_gives_each_role_its_own_digest(demo: DemoContext) -> None:
    assert "Your next steps" in _titles(demo.logins["rep"])
    assert "Follow-through health" in _titles(demo.logins["rep"])
    assert "Did it work?" in _titles(demo.logins["executive"])
    assert "Follow-through health" in _titles(demo.logins["owner"])
    assert "Did it work?" not in _titles(demo.logins["manager"])
    assert _titles(demo.logins["trainer"]) == []  # not a digest role


def test_it_tells_a_manager_who_stopped_coaching_about_her_alert(demo: DemoContext) -> None:
    manager = Team.objects.get(name="North 2").manager
    assert manager is not None
    digest = digest_for(manager, today=DEMO_TODAY)
    text = render(digest)["text"]
    assert "OPEN ALERTS FOR YOU" in text
    assert Alert.objects.filter(rule="manager_not_coaching", recipient=manager).exists()
    # Her own reps' health, not another team's.
    assert "North 1" not in text and "your reps" in text


def test_it_uses_absolute_links(demo: DemoContext) -> None:
    digest = digest_for(demo.logins["owner"], today=DEMO_TODAY)
    links = [s.link for s in digest.sections if s.link] + [digest.settings_link]
    assert links and all(link.startswith(settings.SUSTAIN_BASE_URL + "/") for link in links)


def test_it_queues_a_week_once_and_respects_unsubscribe(demo: DemoContext) -> None:
    rep, manager = demo.logins["rep"], demo.logins["manager"]
    preferences_update(person=manager, digest_email=False)
    hook = Channel.objects.create(
        organization=demo.org, owner=manager, kind="slack", target="https://hooks.slack.com/x"
    )
    assert digests_sweep(today=DEMO_TODAY) > 0
    queued = OutboxMessage.objects.filter(kind="weekly_digest").count()
    assert digests_sweep(today=DEMO_TODAY) == 0  # a rerun in the same week sends nothing
    assert OutboxMessage.objects.filter(kind="weekly_digest").count() == queued
    mine = OutboxMessage.objects.filter(kind="weekly_digest", recipient=manager)
    assert [(m.channel, m.destination_id) for m in mine] == [("slack", hook.pk)]
    email = OutboxMessage.objects.get(kind="weekly_digest", recipient=rep)
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<ul>" in email.html_body and "Stop this weekly email" in email.body


def test_it_sends_the_digest_email_with_html_and_unsubscribe_headers(demo: DemoContext) -> None:
    OutboxMessage.objects.all().delete()
    Channel.objects.all().delete()
    digests_sweep(today=DEMO_TODAY)
    OutboxMessage.objects.exclude(recipient=demo.logins["rep"]).delete()
    assert outbox_deliver_due() == 1
    [sent] = mail.outbox
    assert sent.to == [demo.logins["rep"].email]
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.alternatives[0][1] == "text/html"
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http")


def test_it_withholds_small_groups_from_the_organizations_channel(cast: Cast) -> None:
    row = HealthDay.objects.create(
        program=cast.program,
        day=DEMO_TODAY,
        level=Level.PROGRAM,
        subject_id=cast.program.pk,
        name=cast.program.name,
        people=3,
        score=40,
        signals=[],
    )
    assert organization_digest(cast.org, today=DEMO_TODAY).empty
    HealthDay.objects.filter(pk=row.pk).update(people=5)
    assert not organization_digest(cast.org, today=DEMO_TODAY).empty


def test_it_previews_each_roles_digest_for_leaders_only(cast: Cast, login: Login) -> None:
    r = login(cast.admin).get(f"/settings/notifications/digest/?person={cast.rep.pk}")
    assert r.status_code == 200 and b"Weekly digest of Rita Rep" in r.content
    r = login(cast.manager).get(f"/settings/notifications/digest/?person={cast.rep.pk}")
    assert b"Weekly digest of Mia Manager" in r.content  # her own, not the rep's
    r = login(cast.admin).get(f"/settings/notifications/digest/?person={cast.outsider.pk}")
    assert b"Weekly digest of Adam Admin" in r.content


def test_a_persons_digest_costs_the_same_queries_at_two_organization_sizes(
    trained: Cast, today: dt.date
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sustain.health import services
    from tests.health.conftest import grow

    def cost() -> list[int]:
        out = []
        for person in (trained.owner, trained.executive, trained.manager, trained.rep):
            with CaptureQueriesContext(connection) as ctx:
                digest_for(person, today=today)
            out.append(len(ctx))
        return out

    grow(trained, teams=2, reps_per_team=3, day=today, coached=False)
    services.health_run_day(program=trained.program, day=today)
    small = cost()
    grow(trained, teams=12, reps_per_team=8, day=today, coached=False)
    services.health_run_day(program=trained.program, day=today)
    assert cost() == small
