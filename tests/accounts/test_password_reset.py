from __future__ import annotations

import re

from django.test import Client

from sustain.notify.models import OutboxMessage
from tests.accounts.conftest import last_link
from tests.conftest import Cast, Response


def test_it_offers_forgot_password_on_the_login_page(cast: Cast, client: Client) -> None:
    assert '/password/forgot/"' in client.get("/login/").text


def test_it_emails_a_reset_link_whatever_the_capitalisation(cast: Cast, client: Client) -> None:
    response = client.post("/password/forgot/", {"email": "  Rita.REP@acme-corp.example"})
    assert "Check your email" in response.text
    message = OutboxMessage.objects.get(kind="password_reset")
    assert message.to == cast.rep.email
    assert last_link("password_reset").startswith("https://sustain.example.com/password/set/")


def test_it_answers_the_same_for_an_unknown_email(cast: Cast, client: Client) -> None:
    known = client.post("/password/forgot/", {"email": cast.rep.email})
    unknown = client.post("/password/forgot/", {"email": "nobody@acme-corp.example"})
    assert known.status_code == unknown.status_code == 200

    def page(response: Response, email: str) -> str:
        return re.sub(r'"X-CSRFToken": "\w+"', "", response.text.replace(email, "X"))

    assert page(known, cast.rep.email) == page(unknown, "nobody@acme-corp.example")
    assert OutboxMessage.objects.count() == 1


def test_it_sends_nothing_to_a_deactivated_person(cast: Cast, client: Client) -> None:
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])
    response = client.post("/password/forgot/", {"email": cast.rep.email})
    assert "Check your email" in response.text
    assert not OutboxMessage.objects.exists()


def test_it_rejects_a_malformed_email(cast: Cast, client: Client) -> None:
    response = client.post("/password/forgot/", {"email": "not-an-email"})
    assert response.status_code == 200 and "valid email" in response.text
    assert not OutboxMessage.objects.exists()


def test_it_resets_the_password_through_the_link(cast: Cast, client: Client) -> None:
    client.force_login(cast.rep)
    client.logout()
    client.post("/password/forgot/", {"email": cast.rep.email})
    link = last_link("password_reset").removeprefix("https://sustain.example.com")
    assert "Choose a new password" in client.get(link).text
    client.post(
        link, {"new_password1": "plum-orchard-tuesday", "new_password2": "plum-orchard-tuesday"}
    )
    cast.rep.refresh_from_db()
    assert cast.rep.check_password("plum-orchard-tuesday")


def test_it_sends_one_reset_mail_per_five_minutes(cast: Cast, client: Client) -> None:
    for _ in range(5):
        response = client.post("/password/forgot/", {"email": cast.rep.email})
        assert "Check your email" in response.text
    assert OutboxMessage.objects.filter(kind="password_reset").count() == 1
