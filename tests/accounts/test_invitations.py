from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from sustain.accounts import links, services
from sustain.notify.models import OutboxMessage
from tests.accounts.conftest import last_link
from tests.conftest import Api, Cast, Login

NEW_PASSWORD = "plum-orchard-tuesday"


def path_of(link: str) -> str:
    return link.removeprefix("https://sustain.example.com")


def test_it_sends_an_invitation_with_an_absolute_link(
    cast: Cast, login: Login, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    assert response.status_code == 302
    message = OutboxMessage.objects.get(kind="invitation")
    assert message.to == cast.rep.email
    assert last_link().startswith("https://sustain.example.com/password/set/")
    assert [m.to for m in mail.outbox] == [[cast.rep.email]]


def test_it_lets_the_invited_person_set_a_password_and_sign_in(
    cast: Cast, login: Login, client: Client
) -> None:
    login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    client.logout()
    link = path_of(last_link())
    assert "Welcome, Rita Rep" in client.get(link).text
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    # The sign-in page comes with her email filled in.
    assert f'value="{cast.rep.email}"' in client.get(response["Location"]).text
    assert client.login(username=cast.rep.email, password=NEW_PASSWORD)


def test_it_refuses_a_link_used_once(cast: Cast, login: Login, client: Client) -> None:
    login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    link = path_of(last_link())
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link)
    assert response.status_code == 410
    assert "already been used" in response.text and "Forgot password?" in response.text
    response = client.post(
        link, {"new_password1": "x" + NEW_PASSWORD, "new_password2": "x" + NEW_PASSWORD}
    )
    cast.rep.refresh_from_db()
    assert response.status_code == 410 and cast.rep.check_password(NEW_PASSWORD)


def test_it_refuses_a_link_after_seven_days(
    cast: Cast, login: Login, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    link = path_of(last_link())
    later = dt.datetime.now() + dt.timedelta(days=7, minutes=1)
    monkeypatch.setattr(links.tokens, "_now", lambda: later)
    response = client.get(link)
    assert response.status_code == 410 and "has expired" in response.text


def test_it_accepts_a_link_within_seven_days(
    cast: Cast, login: Login, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    link = path_of(last_link())
    later = dt.datetime.now() + dt.timedelta(days=6, hours=23)
    monkeypatch.setattr(links.tokens, "_now", lambda: later)
    assert client.get(link).status_code == 200


def test_it_refuses_a_tampered_link(cast: Cast, login: Login, client: Client) -> None:
    login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    link = path_of(last_link())
    assert client.get(link[:-3] + "zz/").status_code == 410
    assert client.get("/password/set/Zm9v/abc-def/").status_code == 410


def test_it_applies_the_password_validators(cast: Cast, login: Login, client: Client) -> None:
    login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    link = path_of(last_link())
    response = client.post(link, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "too common" in response.text
    cast.rep.refresh_from_db()
    assert cast.rep.check_password("correct-horse-battery")


def test_it_resends_with_a_fresh_link(cast: Cast, login: Login) -> None:
    client = login(cast.admin)
    client.post(f"/people/{cast.rep.pk}/invite/")
    client.post(f"/people/{cast.rep.pk}/invite/")
    assert OutboxMessage.objects.filter(kind="invitation", recipient=cast.rep).count() == 2


def test_it_shows_the_invite_button_to_admins_only(cast: Cast, login: Login) -> None:
    page = login(cast.admin).get(f"/people/{cast.rep.pk}/")
    assert "Send invitation" in page.text
    page = login(cast.manager).get(f"/people/{cast.rep.pk}/")
    assert "Send invitation" not in page.text


def test_it_forbids_a_non_admin_to_invite(cast: Cast, login: Login) -> None:
    for viewer in (cast.manager, cast.executive):
        assert login(viewer).post(f"/people/{cast.rep.pk}/invite/").status_code == 403
    assert not OutboxMessage.objects.exists()


def test_it_hides_another_organizations_people(cast: Cast, login: Login) -> None:
    assert login(cast.outsider).post(f"/people/{cast.rep.pk}/invite/").status_code == 404


def test_it_refuses_to_invite_a_deactivated_person(cast: Cast, login: Login) -> None:
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])
    response = login(cast.admin).post(f"/people/{cast.rep.pk}/invite/", follow=True)
    assert "deactivated" in response.text
    assert not OutboxMessage.objects.exists()


def test_it_refuses_a_deactivated_persons_link(cast: Cast, login: Login, client: Client) -> None:
    login(cast.admin).post(f"/people/{cast.rep.pk}/invite/")
    link = path_of(last_link())
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410 and "deactivated" in response.text
    cast.rep.refresh_from_db()
    assert not cast.rep.check_password(NEW_PASSWORD)


def test_it_invites_the_team_members_who_never_signed_in(
    cast: Cast, login: Login, client: Client
) -> None:
    client.force_login(cast.rep)  # Rita has signed in: she is not invited again
    client.logout()
    response = login(cast.admin).post(f"/teams/{cast.team.pk}/invite/", follow=True)
    assert "1 invitation sent" in response.text
    assert [m.to for m in OutboxMessage.objects.filter(kind="invitation")] == [cast.manager.email]


def test_it_forbids_a_manager_to_invite_her_team(cast: Cast, login: Login) -> None:
    assert login(cast.manager).post(f"/teams/{cast.team.pk}/invite/").status_code == 403


# API ------------------------------------------------------------------------


def test_it_invites_through_the_api(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post(f"/people/{cast.rep.pk}/invite")
    assert response.status_code == 202
    assert response.json()["email"] == cast.rep.email
    assert response.json()["expires_on"] == str(timezone.localdate() + dt.timedelta(days=7))
    assert OutboxMessage.objects.get().recipient == cast.rep


def test_it_answers_403_and_404_on_the_api(cast: Cast, api: Api) -> None:
    assert api(cast.manager).post(f"/people/{cast.rep.pk}/invite").status_code == 403
    assert api(cast.outsider).post(f"/people/{cast.rep.pk}/invite").status_code == 404
    assert api(cast.admin).post("/people/999999/invite").status_code == 404
    assert not OutboxMessage.objects.exists()


def test_it_answers_400_for_a_deactivated_person_on_the_api(cast: Cast, api: Api) -> None:
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])
    response = api(cast.admin).post(f"/people/{cast.rep.pk}/invite")
    assert response.status_code == 400 and "deactivated" in response.json()["detail"]


def test_it_invites_a_team_through_the_api(cast: Cast, api: Api) -> None:
    response = api(cast.admin).post(f"/teams/{cast.team.pk}/invite")
    assert response.status_code == 202 and response.json() == {"invited": 2}
    assert api(cast.outsider).post(f"/teams/{cast.team.pk}/invite").status_code == 404


def test_it_invites_many_in_a_fixed_number_of_queries(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sustain.accounts.services import invitations_send
    from sustain.orgs.models import Person, Role
    from tests.conftest import make_person

    def queries_to_invite(n: int) -> int:
        OutboxMessage.objects.all().delete()
        people = [make_person(cast.org, f"Newcomer{n} {i}", Role.REP) for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            assert (
                invitations_send(people=Person.objects.filter(pk__in=[p.pk for p in people])) == n
            )
        assert OutboxMessage.objects.filter(kind="invitation").count() == n
        return len(captured)

    assert queries_to_invite(3) == queries_to_invite(40)


def test_it_invites_to_sign_in_with_the_company_account_when_sso_is_set(
    cast: Cast, settings: Settings
) -> None:
    settings.SUSTAIN_OIDC_ISSUER = "https://login.microsoftonline.com/tenant/v2.0"
    settings.OIDC_RP_CLIENT_ID = "sustain"
    settings.SUSTAIN_OIDC_PROVIDER_NAME = "Microsoft"
    services.invitation_send(person=cast.rep)
    body = OutboxMessage.objects.get(kind="invitation").body
    assert "Sign in with your Microsoft account at:\nhttps://sustain.example.com/login/" in body
    # The password stays a spare way in, as the sign-in page keeps both.
    assert "Or choose a Sustain password here:\nhttps://sustain.example.com/password/set/" in body


def test_it_invites_to_choose_a_password_without_sso(cast: Cast) -> None:
    services.invitation_send(person=cast.rep)
    body = OutboxMessage.objects.get(kind="invitation").body
    assert "Choose your password here:\nhttps://sustain.example.com/password/set/" in body
    assert "account at" not in body
