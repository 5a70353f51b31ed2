from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django import Settings

from sustain.notify.models import OutboxMessage
from sustain.orgs.models import Organization, Person, Role
from tests.accounts.conftest import link_in


def test_it_creates_the_organization_and_its_first_admin(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "init",
        "--org",
        "Acme Corp",
        "--admin-email",
        "Ada@Acme.example",
        "--admin-name",
        "Ada Admin",
    )
    admin = Person.objects.get()
    assert admin.organization == Organization.objects.get(name="Acme Corp")
    assert (admin.email, admin.name, admin.role) == ("ada@acme.example", "Ada Admin", Role.ADMIN)
    # An organization's admin is never a platform operator.
    assert not admin.is_staff and not admin.is_superuser
    assert not admin.has_usable_password()


def test_it_prints_an_absolute_one_time_link_that_works(
    db: None, capsys: pytest.CaptureFixture[str], client: Client
) -> None:
    call_command("init", "--org", "Acme Corp", "--admin-email", "ada@acme.example")
    link = link_in(capsys.readouterr().out)
    assert link.startswith("https://sustain.example.com/password/set/")
    response = client.get(link.removeprefix("https://sustain.example.com"))
    assert response.status_code == 200
    assert "ada@acme.example" in response.text


def test_it_refuses_a_second_init_for_an_existing_organization(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("init", "--org", "Acme Corp", "--admin-email", "ada@acme.example")
    with pytest.raises(CommandError, match="exists already") as refused:
        call_command("init", "--org", "ACME corp", "--admin-email", "bob@acme.example")
    assert refused.value.returncode == 2
    assert Person.objects.count() == 1 and Organization.objects.count() == 1


def test_it_refuses_an_email_that_is_taken(db: None) -> None:
    call_command("init", "--org", "Acme Corp", "--admin-email", "ada@acme.example")
    with pytest.raises(CommandError, match="already belongs") as refused:
        call_command("init", "--org", "Globex", "--admin-email", "ADA@acme.example")
    assert refused.value.returncode == 2
    assert Organization.objects.count() == 1


def test_it_emails_the_link_when_mail_is_configured(
    db: None, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.SUSTAIN_MAIL_CONFIGURED = True
    call_command("init", "--org", "Acme Corp", "--admin-email", "ada@acme.example")
    message = OutboxMessage.objects.get()
    assert message.to == "ada@acme.example"
    assert link_in(message.body).startswith("https://sustain.example.com/password/set/")


def test_it_does_not_queue_mail_when_mail_is_not_configured(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("init", "--org", "Acme Corp", "--admin-email", "ada@acme.example")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_exits_2_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    # run_from_argv closes the connection: a transactional test survives that on PostgreSQL.
    from sustain.config.cli import main

    main(["init", "--org", "Acme Corp", "--admin-email", "ada@acme.example"])
    with pytest.raises(SystemExit) as exited:
        main(["init", "--org", "Acme Corp", "--admin-email", "bob@acme.example"])
    assert exited.value.code == 2
    assert "exists already" in capsys.readouterr().err


def test_it_shows_the_first_run_page_while_there_is_no_organization(
    db: None, client: Client
) -> None:
    response = client.get("/", follow=True)
    assert "sustain init" in response.text and "--admin-email" in response.text
    assert 'name="password"' not in response.text


def test_it_shows_the_login_page_once_an_organization_exists(db: None, client: Client) -> None:
    call_command("init", "--org", "Acme Corp", "--admin-email", "ada@acme.example")
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="password"' in response.text and "Forgot password?" in response.text
