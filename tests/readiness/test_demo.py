from __future__ import annotations

from django.test import Client

from sustain.demo.context import DemoContext
from sustain.orgs.models import Person
from sustain.readiness.checks import readiness_for


def test_it_builds_a_half_ready_demo_program(demo: DemoContext, client: Client) -> None:
    ctx = demo
    result = readiness_for(ctx.program)
    assert 4 <= result.n_ok <= 8
    assert not result.ready
    # The demo sets passwords in bulk: log in with the row as stored.
    client.force_login(Person.objects.get(pk=ctx.logins["owner"].pk))
    response = client.get("/")
    assert response.status_code == 200, response
    page = response.content.decode()
    assert result.first_todo is not None
    assert "Fix first" in page and result.first_todo.key in page
