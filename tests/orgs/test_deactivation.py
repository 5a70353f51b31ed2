"""Deactivate and reactivate people: she cannot log in or use a token, leaves due lists,
digests and nudges, and keeps her history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from sustain.notify.models import OutboxMessage
from sustain.orgs import services
from sustain.orgs.models import Person
from tests.conftest import PASSWORD, Api, Cast, Login


def _active(person: Person) -> bool:
    person.refresh_from_db()
    return person.is_active


# The API ---------------------------------------------------------------------------


def test_it_deactivates_and_reactivates_through_the_api(cast: Cast, api: Api) -> None:
    admin = api(cast.admin)
    response = admin.post(f"/people/{cast.rep.pk}/deactivate")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert not _active(cast.rep)
    response = admin.post(f"/people/{cast.rep.pk}/reactivate")
    assert response.json()["is_active"] is True
    assert _active(cast.rep)


@pytest.mark.parametrize("role", ["executive", "owner", "analyst", "manager"])
def test_it_lets_only_admins_deactivate(cast: Cast, api: Api, role: str) -> None:
    assert api(cast.by_role(role)).post(f"/people/{cast.rep.pk}/deactivate").status_code == 403
    assert _active(cast.rep)


def test_it_hides_deactivation_of_another_orgs_person(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post(f"/people/{cast.outsider.pk}/deactivate")
    assert response.status_code == 404
    assert _active(cast.outsider)
    assert api(cast.outsider).post(f"/people/{cast.rep.pk}/reactivate").status_code == 404


def test_it_refuses_deactivating_yourself(cast: Cast, api: Api) -> None:
    assert api(cast.admin).post(f"/people/{cast.admin.pk}/deactivate").status_code == 403


def test_it_refuses_deactivating_the_last_admin(cast: Cast) -> None:
    services.person_change_role(person=cast.analyst, role="admin")
    services.person_deactivate(person=cast.analyst, by=cast.admin)
    with pytest.raises(ValidationError, match="last admin"):
        services.person_deactivate(person=cast.admin)


def test_it_refuses_deactivating_a_teams_manager_until_the_team_is_reassigned(
    cast: Cast, api: Api
) -> None:
    admin = api(cast.admin)
    response = admin.post(f"/people/{cast.manager.pk}/deactivate")
    assert response.status_code == 400
    assert "West 1" in response.json()["detail"]
    assert _active(cast.manager)
    admin.patch(f"/teams/{cast.team.pk}", {"manager": cast.other_manager.pk})
    assert admin.post(f"/people/{cast.manager.pk}/deactivate").status_code == 200


def test_it_refuses_a_deactivated_manager_as_a_teams_manager(cast: Cast, api: Api) -> None:
    services.team_update(team=cast.team, data={"manager": cast.other_manager})
    services.person_deactivate(person=cast.manager)
    response = api(cast.admin).patch(f"/teams/{cast.team.pk}", {"manager": cast.manager.pk})
    assert response.status_code == 400


def test_it_refuses_deactivating_a_programs_owner(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="Consultative Selling"):
        services.person_deactivate(person=cast.owner, by=cast.admin)


def test_the_service_checks_who_deactivates(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        services.person_deactivate(person=cast.rep, by=cast.executive)


# The page --------------------------------------------------------------------------


def test_it_asks_for_confirmation_then_deactivates_on_the_page(cast: Cast, login: Login) -> None:
    client = login(cast.admin)
    person_page = client.get(f"/people/{cast.rep.pk}/").content.decode()
    assert f"/people/{cast.rep.pk}/deactivate/" in person_page
    confirm = client.get(f"/people/{cast.rep.pk}/deactivate/")
    assert "history" in confirm.content.decode()
    assert _active(cast.rep)
    response = client.post(f"/people/{cast.rep.pk}/deactivate/")
    assert response.status_code == 302
    assert not _active(cast.rep)
    assert "Deactivated" in client.get(f"/people/{cast.rep.pk}/").content.decode()
    assert client.post(f"/people/{cast.rep.pk}/reactivate/").status_code == 302
    assert _active(cast.rep)


def test_it_shows_why_a_deactivation_was_refused_on_the_page(cast: Cast, login: Login) -> None:
    response = login(cast.admin).post(f"/people/{cast.manager.pk}/deactivate/")
    assert response.status_code == 400
    assert "West 1" in response.content.decode()


def test_it_offers_no_deactivation_to_an_executive(cast: Cast, login: Login) -> None:
    client = login(cast.executive)
    assert "deactivate" not in client.get(f"/people/{cast.rep.pk}/").content.decode()
    assert client.post(f"/people/{cast.rep.pk}/deactivate/").status_code == 403
    assert login(cast.outsider).get(f"/people/{cast.rep.pk}/deactivate/").status_code == 404
    assert _active(cast.rep)


# Logins and tokens -----------------------------------------------------------------


def test_it_ends_her_session(cast: Cast, client: Client) -> None:
    assert client.login(username=cast.rep.email, password=PASSWORD)
    assert client.get("/").status_code == 200
    services.person_deactivate(person=cast.rep)
    response = client.get("/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_it_refuses_her_login(cast: Cast, client: Client) -> None:
    services.person_deactivate(person=cast.rep)
    client.post("/login/", {"username": cast.rep.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_it_refuses_her_token(cast: Cast, api: Api) -> None:
    rep = api(cast.rep)
    services.person_deactivate(person=cast.rep)
    assert rep.get("/me").status_code == 401
    services.person_reactivate(person=cast.rep)
    assert rep.get("/me").status_code == 200


# Due lists, digests, nudges; history ------------------------------------------------


def test_it_leaves_her_out_of_refresher_digests(cast: Cast) -> None:
    from sustain.refreshers import services as refreshers

    cast.program.enrollments.update(trained_on=dt.date.today() - dt.timedelta(days=10))
    services.person_deactivate(person=cast.rep)
    refreshers.question_create(
        concept=cast.concept, prompt="Q?", choices=["A", "B"], answer="A", explanation="A."
    )
    refreshers.refreshers_daily(today=dt.date.today())
    recipients = set(
        OutboxMessage.objects.filter(kind="refresher_digest").values_list("recipient", flat=True)
    )
    assert cast.rep.pk not in recipients
    assert cast.other_rep.pk in recipients


def test_it_leaves_her_out_of_coaching_due_lists_and_nudges(cast: Cast) -> None:
    from sustain.coaching import selectors as coaching
    from sustain.coaching import services as coaching_services

    today = dt.date.today()
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    services.person_deactivate(person=cast.rep)
    due = coaching.coverage(reps=coaching.team_reps([cast.team.pk]), today=today)
    assert cast.rep.pk not in [s.rep.pk for s in due["statuses"]]
    coaching_services.managers_nudge(today=today)
    assert not OutboxMessage.objects.filter(recipient=cast.manager).exists()


def test_it_withdraws_what_was_queued_for_her_but_not_sent(cast: Cast) -> None:
    from sustain.notify.services import outbox_deliver_due, outbox_enqueue

    outbox_enqueue(recipient=cast.rep, subject="3 refreshers due today", body="…")
    outbox_enqueue(recipient=cast.other_rep, subject="3 refreshers due today", body="…")
    services.person_deactivate(person=cast.rep)
    assert outbox_deliver_due() == 1
    assert [m.to for m in mail.outbox] == [[cast.other_rep.email]]


def test_it_sends_no_nudge_to_a_deactivated_manager(cast: Cast) -> None:
    from sustain.coaching import services as coaching_services

    today = dt.date.today()
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    # A manager deactivated behind the services' back (they refuse while she leads a team).
    Person.objects.filter(pk=cast.manager.pk).update(is_active=False)
    coaching_services.managers_nudge(today=today)
    assert not OutboxMessage.objects.filter(recipient=cast.manager).exists()
    assert OutboxMessage.objects.filter(recipient=cast.other_manager).exists()


def test_it_neither_plans_nor_chases_a_deactivated_rep(cast: Cast) -> None:
    from sustain.plans import services as plans
    from sustain.plans.models import Plan

    trained_on = dt.date.today() - dt.timedelta(days=30)
    cast.program.enrollments.update(trained_on=trained_on)
    plans.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    services.person_deactivate(person=cast.rep)
    plans.plans_daily(today=dt.date.today())
    assert not Plan.objects.filter(rep=cast.rep, flagged_at__isnull=False).exists()
    assert Plan.objects.filter(rep=cast.other_rep).exists()
    assert not OutboxMessage.objects.filter(body__contains="Rita Rep").exists()


def test_it_leaves_her_plan_out_of_her_managers_team_list(cast: Cast) -> None:
    from sustain.plans import selectors as plan_selectors
    from sustain.plans import services as plans

    cast.program.enrollments.update(trained_on=dt.date.today() - dt.timedelta(days=30))
    plans.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    services.person_deactivate(person=cast.rep)
    listed = plan_selectors.team_progress(
        viewer=cast.manager, team=cast.team, today=dt.date.today()
    )
    assert listed == []


def test_it_generates_no_plan_for_a_deactivated_rep(cast: Cast) -> None:
    from sustain.plans import services as plans
    from sustain.plans.models import Plan

    cast.program.enrollments.update(trained_on=dt.date.today() - dt.timedelta(days=30))
    services.person_deactivate(person=cast.rep)
    plans.plans_generate(program=cast.program)
    assert not Plan.objects.filter(rep=cast.rep).exists()


def test_it_keeps_her_kpis_in_the_analysis(cast: Cast) -> None:
    from sustain.analysis.services import build_panel
    from sustain.metrics.models import KpiValue
    from sustain.metrics.services import kpi_definition_create

    kpi = kpi_definition_create(organization=cast.org, key="wins", name="Wins")
    KpiValue.objects.bulk_create(
        KpiValue(rep=rep, kpi=kpi, period=dt.date(2026, 1, 5), value=3.0)
        for rep in (cast.rep, cast.other_rep)
    )
    services.person_deactivate(person=cast.rep)
    panel, _meta = build_panel(program=cast.program, kpi=kpi)
    assert cast.rep.pk in set(panel["rep"])


def test_it_keeps_her_in_the_people_list_marked_deactivated(cast: Cast, login: Login) -> None:
    services.person_deactivate(person=cast.rep)
    page = login(cast.admin).get("/people/").content.decode()
    assert "Rita Rep" in page
    assert "Deactivated" in page
