"""The audit log: who changed roles, emails, status, tokens and program owners, and who
was refused a write; read by the organization's admins only, written by nobody."""

from __future__ import annotations

import pytest

from sustain.audit.models import AuditEvent, AuditKind
from sustain.audit.services import audit_record
from sustain.orgs.services import person_deactivate, person_reactivate
from tests.conftest import Api, Cast, Login


def _kinds(**filters: object) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).values_list("kind", flat=True))


def test_it_records_a_role_change_with_who_did_it(cast: Cast, api: Api) -> None:
    api(cast.admin).patch(f"/people/{cast.analyst.pk}", {"role": "owner"})
    event = AuditEvent.objects.get(kind=AuditKind.ROLE_CHANGED)
    assert (event.actor, event.subject, event.organization) == (cast.admin, cast.analyst, cast.org)
    assert event.detail == {"from": "analyst", "to": "owner"}


def test_it_records_an_email_change_made_on_the_page(cast: Cast, login: Login) -> None:
    response = login(cast.admin).post(
        f"/people/{cast.trainer.pk}/edit/",
        {"name": cast.trainer.name, "email": "tom@vendor.example", "role": "trainer"},
    )
    assert response.status_code == 302, response.content
    event = AuditEvent.objects.get(kind=AuditKind.EMAIL_CHANGED)
    assert event.detail["to"] == "tom@vendor.example"
    assert event.actor == cast.admin


def test_it_records_nothing_when_nothing_audited_changed(cast: Cast, api: Api) -> None:
    api(cast.admin).patch(f"/people/{cast.rep.pk}", {"title": "Senior rep"})
    assert not AuditEvent.objects.exclude(kind=AuditKind.TOKEN_CREATED).exists()


def test_it_records_deactivation_and_reactivation(cast: Cast) -> None:
    person_deactivate(person=cast.other_rep, by=cast.admin)
    person_reactivate(person=cast.other_rep, by=cast.admin)
    assert _kinds(subject=cast.other_rep) == [AuditKind.ACTIVATED, AuditKind.DEACTIVATED]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {cast.admin.pk}


def test_it_records_a_change_of_program_owner(cast: Cast, api: Api) -> None:
    api(cast.admin).patch(f"/programs/{cast.program.pk}", {"owner": cast.executive.pk})
    event = AuditEvent.objects.get(kind=AuditKind.PROGRAM_OWNER_CHANGED)
    assert event.subject == cast.executive
    assert event.detail["from"] == cast.owner.pk


def test_it_records_a_refused_write_through_the_api(cast: Cast, api: Api) -> None:
    response = api(cast.rep).patch(f"/people/{cast.rep.pk}", {"role": "admin"})
    assert response.status_code == 403
    event = AuditEvent.objects.get(kind=AuditKind.ACCESS_REFUSED)
    assert event.actor == cast.rep
    assert event.detail == {"method": "PATCH", "path": f"/api/v1/people/{cast.rep.pk}"}


def test_it_records_a_refused_write_on_a_page(cast: Cast, login: Login) -> None:
    assert login(cast.rep).post("/people/new/", {"name": "x"}).status_code == 403
    assert _kinds(actor=cast.rep) == [AuditKind.ACCESS_REFUSED]


def test_it_does_not_record_refused_reads(cast: Cast, login: Login) -> None:
    assert login(cast.rep).get("/people/new/").status_code == 403
    assert not AuditEvent.objects.exists()


def test_it_never_changes_an_event(cast: Cast) -> None:
    event = audit_record(
        kind=AuditKind.ROLE_CHANGED, organization=cast.org, actor=cast.admin, summary="x"
    )
    event.summary = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


# Reading it --------------------------------------------------------------------------


@pytest.fixture
def events(cast: Cast) -> None:
    audit_record(
        kind=AuditKind.ROLE_CHANGED,
        organization=cast.org,
        actor=cast.admin,
        subject=cast.rep,
        summary="Rita Rep: role rep → manager",
    )
    audit_record(
        kind=AuditKind.TOKEN_CREATED,
        organization=cast.org,
        actor=cast.analyst,
        subject=cast.analyst,
        summary="token for Ana",
    )
    audit_record(
        kind=AuditKind.ROLE_CHANGED,
        organization=cast.outsider.organization,
        actor=cast.outsider,
        subject=cast.outsider,
        summary="Globex secret change",
    )


def test_it_shows_an_admin_her_organizations_log(cast: Cast, events: None, login: Login) -> None:
    response = login(cast.admin).get("/audit/")
    assert response.status_code == 200
    assert b"Rita Rep: role rep" in response.content
    assert b"token for Ana" in response.content
    assert b"Globex" not in response.content


def test_it_filters_the_page_by_person_and_kind(cast: Cast, events: None, login: Login) -> None:
    client = login(cast.admin)
    by_person = client.get(f"/audit/?person={cast.rep.pk}").content
    assert b"Rita Rep: role" in by_person and b"token for Ana" not in by_person
    by_kind = client.get("/audit/?kind=token_created").content
    assert b"token for Ana" in by_kind and b"Rita Rep: role" not in by_kind


@pytest.mark.parametrize("role", ["executive", "owner", "manager", "rep", "trainer", "analyst"])
def test_it_refuses_the_log_to_everyone_but_admins(
    cast: Cast, events: None, login: Login, api: Api, role: str
) -> None:
    person = cast.by_role(role)
    assert login(person).get("/audit/").status_code == 403
    assert api(person).get("/audit").status_code == 403


def test_it_404s_filtering_by_an_outsider(cast: Cast, events: None, login: Login, api: Api) -> None:
    assert login(cast.admin).get(f"/audit/?person={cast.outsider.pk}").status_code == 404
    assert api(cast.admin).get(f"/audit?person={cast.outsider.pk}").status_code == 404


def test_it_serves_the_log_through_the_api(cast: Cast, events: None, api: Api) -> None:
    body = api(cast.admin).get(f"/audit?kind=role_changed&person={cast.rep.pk}").json()
    assert body["count"] == 1
    assert body["items"][0]["summary"] == "Rita Rep: role rep → manager"
    assert body["items"][0]["actor_email"] == cast.admin.email


def test_it_404s_an_outsiders_event(cast: Cast, events: None, api: Api) -> None:
    foreign = AuditEvent.objects.get(organization=cast.outsider.organization)
    assert api(cast.admin).get(f"/audit/{foreign.pk}").status_code == 404
    own = AuditEvent.objects.filter(organization=cast.org).first()
    assert own is not None
    assert api(cast.admin).get(f"/audit/{own.pk}").status_code == 200


def test_it_offers_no_way_to_write_the_log(cast: Cast, events: None, api: Api) -> None:
    event = AuditEvent.objects.filter(organization=cast.org).first()
    assert event is not None
    client = api(cast.admin)
    assert client.post("/audit", {"kind": "role_changed"}).status_code == 405
    assert client.delete(f"/audit/{event.pk}").status_code == 405
    assert client.patch(f"/audit/{event.pk}", {"summary": "x"}).status_code == 405


def test_it_records_a_change_of_program_owner_made_on_the_page(cast: Cast, login: Login) -> None:
    from sustain.programs.forms import ProgramForm

    form = ProgramForm(instance=cast.program, organization=cast.org)
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["owner"] = cast.executive.pk
    response = login(cast.admin).post(f"/programs/{cast.program.pk}/edit/", data)
    assert response.status_code == 302, response.content
    assert _kinds(kind=AuditKind.PROGRAM_OWNER_CHANGED) == [AuditKind.PROGRAM_OWNER_CHANGED]


def test_it_costs_the_same_queries_for_a_long_log(cast: Cast, login: Login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx)

    for person in (cast.rep, cast.manager):
        audit_record(
            kind=AuditKind.ROLE_CHANGED,
            organization=cast.org,
            actor=cast.admin,
            subject=person,
            summary="x",
        )
    few = queries()
    for person in (cast.rep, cast.manager, cast.analyst, cast.trainer) * 10:
        audit_record(
            kind=AuditKind.EMAIL_CHANGED,
            organization=cast.org,
            actor=person,
            subject=person,
            summary="y",
        )
    assert queries() == few


def test_it_records_a_deactivation_made_through_the_api(cast: Cast, api: Api) -> None:
    assert api(cast.admin).post(f"/people/{cast.other_rep.pk}/deactivate").status_code == 200
    event = AuditEvent.objects.get(kind=AuditKind.DEACTIVATED)
    assert (event.actor, event.subject) == (cast.admin, cast.other_rep)
