from __future__ import annotations

from django.test import Client

from sustain.adoption import selectors
from sustain.adoption.models import Call, Detection
from sustain.demo.context import DemoContext
from sustain.orgs.models import Person


def test_the_demo_has_scored_calls_labels_and_pages(demo: DemoContext, client: Client) -> None:
    ctx = demo
    riley = ctx.logins["rep"]
    assert Call.objects.filter(rep=riley).count() >= 5
    assert Detection.objects.filter(call__program=ctx.program, used=True).exists()
    calibrated = [r for r in selectors.calibration(ctx.program) if r.calibrated]
    assert calibrated and all(r.kappa is not None for r in calibrated)
    for role in ("owner", "manager", "rep", "trainer"):
        # The demo sets passwords in bulk: reload so the session hash matches.
        client.force_login(Person.objects.get(pk=ctx.logins[role].pk))
        page = client.get(f"/adoption/program/{ctx.program.pk}/")
        assert page.status_code == 200
        assert "Share of calls using each concept" in page.content.decode()
