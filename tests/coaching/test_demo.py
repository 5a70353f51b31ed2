from __future__ import annotations

from django.test import Client
from pytest_django import DjangoAssertNumQueries

from sustain.certification import selectors as cert_selectors
from sustain.coaching import selectors, services
from sustain.coaching.models import Observation
from sustain.demo.context import DemoContext


def test_it_builds_the_coaching_demo_quickly_with_every_state(
    demo: DemoContext, demo_build_seconds: float
) -> None:
    ctx = demo
    assert demo_build_seconds < 30
    rows = cert_selectors.certification_rows(
        program=ctx.program, managers=cert_selectors.program_managers(ctx.program), today=ctx.today
    )
    by_name = {r["manager"].name: r["status"] for r in rows}
    assert by_name["Dana Whitfield"] == "certified"
    assert {r["status"] for r in rows} == {"not_started", "in_progress", "certified", "lapsed"}
    stalled = selectors.stalled_observers(program=ctx.program, today=ctx.today)
    # The non-coaching teams of the KPI story (North 2, Central 3) stopped after week 4.
    assert {r["manager"] for r in stalled} == {ctx.managers[1], ctx.managers[5]}
    riley = ctx.logins["rep"]
    assert Observation.objects.filter(rep=riley).count() >= 8
    assert Observation.objects.filter(rep=riley, actions__isnull=False).exists()
    dana = selectors.coverage(reps=selectors.team_reps([ctx.teams[0].pk]), today=ctx.today)
    assert (dana["due"], dana["on_time"]) == (9, 8)  # one rep slipping, top of her home


def test_it_renders_the_demo_pages_for_every_role(
    demo: DemoContext, client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    from sustain.orgs.models import Person

    ctx = demo
    p, riley = ctx.program.pk, ctx.logins["rep"].pk
    expected = {  # home, program coaching, certification, Riley's coaching page
        "executive": (200, 200, 200, 200),
        "owner": (200, 200, 200, 200),
        "manager": (200, 200, 200, 200),
        "rep": (200, 302, 403, 200),
        "trainer": (200, 200, 200, 404),
        "analyst": (200, 200, 200, 200),
        "admin": (200, 200, 200, 200),
    }
    for role, person in ctx.logins.items():
        # The demo sets passwords in bulk: reload so the session hash matches.
        client.force_login(Person.objects.get(pk=person.pk))
        for path, status in zip(
            (
                "/",
                f"/coaching/program/{p}/",
                f"/certification/program/{p}/",
                f"/coaching/reps/{riley}/",
            ),
            expected[role],
            strict=True,
        ):
            with django_assert_max_num_queries(40):
                r = client.get(path)
            assert r.status_code == status, (role, path, r.status_code)
    client.force_login(Person.objects.get(pk=ctx.logins["executive"].pk))
    # The panel reads them as stored in the background (coaching.CoachingSummary).
    services.coaching_summary_refresh(program=ctx.program)
    home = client.get("/").content.decode()
    assert "Managers who stopped coaching" in home
    assert ctx.managers[1].name in home
