"""The fixed cast every test can use: one organization with two teams, a person in each
role, a program, and an outsider from another organization."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from sustain.demo.builder import build_demo
from sustain.demo.context import DemoContext
from sustain.orgs import services as org_services
from sustain.orgs.models import Organization, Person, Region, Role, Team
from sustain.programs import services as program_services
from sustain.programs.models import Concept, Program

# What the test client answers: a response with json(), templates and context (a type the
# stubs declare; at run time only annotations use the name).
if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

    Response = _MonkeyPatchedWSGIResponse
else:
    from django.http import HttpResponseBase as Response

PASSWORD = "correct-horse-battery"


@dataclass
class Cast:
    org: Organization
    executive: Person
    owner: Person
    manager: Person
    rep: Person
    trainer: Person
    analyst: Person
    admin: Person
    other_manager: Person
    other_rep: Person
    team: Team
    other_team: Team
    program: Program
    concept: Concept
    outsider: Person
    outsider_program: Program

    def by_role(self, name: str) -> Person:
        person = getattr(self, name)
        assert isinstance(person, Person), name
        return person


def make_person(
    org: Organization,
    name: str,
    role: str,
    *,
    region: Region | None = None,
    team: Team | None = None,
    hire_date: dt.date | None = None,
) -> Person:
    email = name.lower().replace(" ", ".") + f"@{org.slug}.example"
    return org_services.person_create(
        organization=org,
        email=email,
        name=name,
        role=role,
        password=PASSWORD,
        region=region,
        team=team,
        hire_date=hire_date,
    )


@pytest.fixture
def cast(db: None) -> Cast:
    org = org_services.organization_create(name="Acme Corp")
    region = org_services.region_get_or_create(organization=org, name="West")
    manager = make_person(org, "Mia Manager", Role.MANAGER, region=region)
    other_manager = make_person(org, "Otto Othermanager", Role.MANAGER, region=region)
    team = org_services.team_create(organization=org, name="West 1", region=region, manager=manager)
    other_team = org_services.team_create(
        organization=org, name="West 2", region=region, manager=other_manager
    )
    rep = make_person(
        org, "Rita Rep", Role.REP, team=team, region=region, hire_date=dt.date(2024, 3, 1)
    )
    other_rep = make_person(org, "Oscar Otherrep", Role.REP, team=other_team, region=region)
    owner = make_person(org, "Olga Owner", Role.OWNER)
    program = program_services.program_create(
        organization=org,
        name="Consultative Selling",
        owner=owner,
        budget_workshop=Decimal(100000),
        budget_reinforcement=Decimal(30000),
    )
    concept = program_services.concept_create(program=program, name="Discovery")
    for person in (manager, rep, other_rep):
        program_services.enrollment_create(program=program, person=person)

    outsider_org = org_services.organization_create(name="Globex")
    outsider = make_person(outsider_org, "Xavier Outsider", Role.ADMIN)
    outsider_program = program_services.program_create(
        organization=outsider_org, name="Globex Selling", owner=outsider
    )
    return Cast(
        org=org,
        executive=make_person(org, "Eve Executive", Role.EXECUTIVE),
        owner=owner,
        manager=manager,
        rep=rep,
        trainer=make_person(org, "Tom Trainer", Role.TRAINER),
        analyst=make_person(org, "Ana Analyst", Role.ANALYST),
        admin=make_person(org, "Adam Admin", Role.ADMIN),
        other_manager=other_manager,
        other_rep=other_rep,
        team=team,
        other_team=other_team,
        program=program,
        concept=concept,
        outsider=outsider,
        outsider_program=outsider_program,
    )


class ApiClient:
    """A test client that speaks to /api/v1 as one person, with a real token."""

    def __init__(self, person: Person) -> None:
        self.token = org_services.api_token_create(person=person)
        self.client = Client(headers={"Authorization": f"Bearer {self.token}"})

    def get(self, path: str) -> Response:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, data: object = None) -> Response:
        return self.client.post(f"/api/v1{path}", data or {}, content_type="application/json")

    def patch(self, path: str, data: object = None) -> Response:
        return self.client.patch(f"/api/v1{path}", data or {}, content_type="application/json")

    def put(self, path: str, data: object = None) -> Response:
        return self.client.put(f"/api/v1{path}", data or {}, content_type="application/json")

    def delete(self, path: str) -> Response:
        return self.client.delete(f"/api/v1{path}")


# The `api` fixture: ApiClient itself, so a test makes one per person (`api(cast.rep)`).
Api = type[ApiClient]
# The `login` fixture: the test client, signed in as the person given.
Login = Callable[[Person], Client]


@pytest.fixture
def api() -> Api:
    return ApiClient


@pytest.fixture
def login(client: Client) -> Login:
    def as_person(person: Person) -> Client:
        client.force_login(person)
        return client

    return as_person


DEMO_TODAY = dt.date(2026, 11, 23)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that ask for `demo` run last, one after the other: the demo is built once
    for them, and no other test ever sees it."""
    items.sort(key=lambda item: "demo" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def _demo_for_session(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[tuple[DemoContext, float]]:
    """The demo, built once per test session inside a transaction that is rolled back at
    the end. Only the tests that ask for `demo` run inside it (last, see above), each in its
    own savepoint, so what a test writes is gone after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            started = time.perf_counter()
            ctx = build_demo(today=DEMO_TODAY)
            seconds = time.perf_counter() - started
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield ctx, seconds
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(
    _demo_for_session: tuple[DemoContext, float], db: None, request: pytest.FixtureRequest
) -> DemoContext:
    """The demo organization (built on DEMO_TODAY), shared by every test that asks.
    Each test runs in a savepoint inside the session's transaction: writes roll back."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        pytest.fail("the shared demo lives in a transaction: build your own for this test")
    return _demo_for_session[0]


@pytest.fixture
def demo_build_seconds(_demo_for_session: tuple[DemoContext, float]) -> float:
    """How long building the shared demo took."""
    return _demo_for_session[1]
