"""The go-live checklist: what a new organization still has to do before its people can
use Sustain, on the admin's home page and the API, and its "invite everyone" button."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from sustain.accounts import selectors, services
from sustain.notify.models import OutboxMessage
from sustain.orgs import services as org_services
from sustain.orgs.models import Person, Role
from tests.conftest import Api, Cast, Login, make_person


def steps(cast: Cast) -> dict[str, selectors.GoLiveStep]:
    return {s.key: s for s in selectors.go_live(organization=cast.org).steps}


def invited() -> list[str]:
    return sorted(OutboxMessage.objects.filter(kind="invitation").values_list("to", flat=True))


def test_it_starts_a_new_organization_at_bringing_in_its_people(db: None) -> None:
    admin = services.organization_init(name="Initech", admin_email="bill@initech.example")
    status = selectors.go_live(organization=admin.organization)  # type: ignore[arg-type]
    todo = [s.key for s in status.steps if s.state == "todo"]
    assert todo == ["people", "teams", "mail", "invitations", "program"]
    assert not status.ready


def test_it_names_the_teams_without_a_manager_and_the_reps_in_no_team(cast: Cast) -> None:
    org_services.team_create(organization=cast.org, name="East 1")
    make_person(cast.org, "Nina Noteam", Role.REP)
    teams = steps(cast)["teams"]
    assert teams.state == "todo"
    assert teams.detail == "1 team has no manager (East 1); 1 rep is in no team."


def test_it_counts_who_signed_in_was_invited_or_never_invited(cast: Cast, login: Login) -> None:
    login(cast.rep)
    services.invitation_send(person=cast.other_rep)
    step = steps(cast)["invitations"]
    # 9 active people: the rep signed in, the other rep is invited, 7 were never invited.
    assert step.state == "todo"
    assert step.detail == (
        "1 of 9 people has signed in; 1 invited and not signed in yet; 7 never invited."
    )


def test_it_counts_a_person_invited_twice_once(cast: Cast, login: Login) -> None:
    login(cast.rep)
    services.invitation_send(person=cast.other_rep)
    services.invitation_send(person=cast.other_rep)
    services.invitation_send(person=cast.outsider)  # another organization's: not counted
    status = selectors.go_live(organization=cast.org)
    # 9 active people: the rep signed in, the other rep is invited, 7 were never invited.
    assert status.never_invited == 7


def test_it_invites_only_the_people_never_invited_and_never_signed_in(
    cast: Cast, login: Login, settings: Settings
) -> None:
    settings.SUSTAIN_MAIL_CONFIGURED = True
    services.invitation_send(person=cast.other_rep)
    org_services.person_deactivate(person=cast.trainer)
    login(cast.rep)
    client = login(cast.admin)
    response = client.post("/people/invite/")
    assert response.status_code == 302
    assert sorted(invited()) == sorted(
        [cast.other_rep.email]
        + [p.email for p in (cast.executive, cast.owner, cast.manager, cast.analyst)]
        + [cast.other_manager.email]
    )
    # A second click invites nobody again, and nobody of another organization was touched.
    client.post("/people/invite/")
    assert len(invited()) == 6
    assert cast.outsider.email not in invited()


def test_it_reports_mail_written_to_files_and_links_nobody_else_can_open(
    cast: Cast, settings: Settings
) -> None:
    settings.SUSTAIN_MAIL_CONFIGURED = False
    assert "nobody receives them" in steps(cast)["mail"].detail
    settings.SUSTAIN_MAIL_CONFIGURED = True
    settings.MAILERS = {"default": {"BACKEND": "x", "OPTIONS": {"host": "smtp.acme.example"}}}
    settings.SUSTAIN_BASE_URL = "http://127.0.0.1:8000"
    mail = steps(cast)["mail"]
    assert (mail.state, "only the server itself" in mail.detail) == ("todo", True)
    settings.SUSTAIN_BASE_URL = "https://sustain.acme.example"
    mail = steps(cast)["mail"]
    assert mail.state == "done"
    assert mail.detail == (
        "Mail goes through smtp.acme.example; its links open https://sustain.acme.example."
    )


def test_it_shows_the_checklist_to_admins_only_until_the_organization_is_ready(
    cast: Cast, login: Login, settings: Settings
) -> None:
    assert 'id="go-live-panel"' in login(cast.admin).get("/").text
    for role in ("owner", "executive", "manager", "rep"):
        assert "go-live-panel" not in login(cast.by_role(role)).get("/").text
        assert login(cast.by_role(role)).post("/people/invite/").status_code == 403
    assert not OutboxMessage.objects.exists()
    settings.SUSTAIN_MAIL_CONFIGURED = True
    settings.MAILERS = {"default": {"BACKEND": "x", "OPTIONS": {"host": "smtp.acme.example"}}}
    Person.objects.filter(organization=cast.org).update(last_login="2026-11-01T09:00Z")
    assert selectors.go_live(organization=cast.org).ready
    assert "go-live-panel" not in login(cast.admin).get("/").text


def test_it_costs_the_same_queries_whatever_the_organization_size(cast: Cast) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.go_live(organization=cast.org)
        return len(captured)

    small = queries()
    for i in range(40):
        make_person(cast.org, f"Rep {i}", Role.REP)
        org_services.team_create(organization=cast.org, name=f"Leaderless {i}")
    assert queries() == small


def test_it_refuses_to_invite_everyone_while_mail_only_goes_to_files(
    cast: Cast, login: Login, api: Api, settings: Settings
) -> None:
    settings.SUSTAIN_MAIL_CONFIGURED = False
    page = login(cast.admin).get("/").text
    assert "Set up email first" in page
    assert "not invited yet</button>" not in page
    response = login(cast.admin).post("/people/invite/", follow=True)
    assert "only be written to files" in response.text
    refused = api(cast.admin).post("/organization/invite")
    assert refused.status_code == 400
    assert "SUSTAIN_EMAIL_HOST" in refused.json()["detail"]
    assert not OutboxMessage.objects.exists()


def test_it_answers_the_checklist_and_the_invitation_on_the_api_to_admins_only(
    cast: Cast, api: Api, settings: Settings
) -> None:
    settings.SUSTAIN_MAIL_CONFIGURED = True
    response = api(cast.admin).get("/organization/go-live")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [s["key"] for s in body["steps"]] == [
        "people",
        "teams",
        "mail",
        "sso",
        "invitations",
        "program",
    ]
    assert body["ready"] is False
    # Nobody has signed in (a token is not a sign-in): all nine, the admin too.
    assert body["never_invited"] == 9
    sent = api(cast.admin).post("/organization/invite")
    assert (sent.status_code, sent.json()) == (202, {"invited": 9})
    for role in ("owner", "executive", "manager", "rep", "trainer", "analyst"):
        assert api(cast.by_role(role)).get("/organization/go-live").status_code == 403
        assert api(cast.by_role(role)).post("/organization/invite").status_code == 403
    assert len(invited()) == 9


def test_it_reports_single_sign_on_as_optional_until_it_is_set(
    cast: Cast, settings: Settings
) -> None:
    assert steps(cast)["sso"].state == "optional"
    settings.SUSTAIN_OIDC_ISSUER = "https://accounts.google.com"
    settings.OIDC_RP_CLIENT_ID = "sustain"
    settings.SUSTAIN_OIDC_PROVIDER_NAME = "Google"
    sso = steps(cast)["sso"]
    assert (sso.state, sso.detail) == ("done", "People sign in with Google.")
