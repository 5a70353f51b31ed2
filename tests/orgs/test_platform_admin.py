"""Django's admin is for platform operators (no organization). An organization's admin
works in Sustain's own pages and is never staff nor superuser."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory

from sustain.demo.context import DemoContext
from sustain.orgs.models import Person
from tests.conftest import PASSWORD, Cast


@pytest.fixture
def operator(db: None) -> Person:
    return Person.objects.create_superuser("ops@platform.example", PASSWORD, name="Ops")


@pytest.fixture
def demo_admin(demo: DemoContext) -> Person:
    return Person.objects.get(pk=demo.logins["admin"].pk)


def test_it_keeps_the_demo_org_admin_out_of_djangos_admin(
    cast: Cast, client: Client, demo_admin: Person
) -> None:
    client.force_login(demo_admin)
    response = client.get(f"/admin/orgs/person/?organization__id__exact={cast.org.pk}")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    response = client.post(
        f"/admin/orgs/person/{cast.executive.pk}/password/",
        {"password1": "pwned-pwned-42", "password2": "pwned-pwned-42"},
    )
    assert response.status_code == 302
    cast.executive.refresh_from_db()
    assert cast.executive.check_password(PASSWORD)


def test_the_admin_site_refuses_staff_with_an_organization(rf: RequestFactory) -> None:
    from sustain.orgs.adminsite import PlatformAdminSite

    request = rf.get("/admin/")
    request.user = Person(organization_id=1, is_staff=True, is_superuser=True, is_active=True)
    assert not PlatformAdminSite().has_permission(request)
    request.user = Person(organization_id=None, is_staff=True, is_active=True)
    assert PlatformAdminSite().has_permission(request)


def test_it_refuses_setting_another_orgs_password_through_the_admin(
    cast: Cast, client: Client
) -> None:
    client.force_login(cast.admin)
    response = client.post(
        f"/admin/orgs/person/{cast.outsider.pk}/password/",
        {"password1": "pwned-pwned-42", "password2": "pwned-pwned-42"},
    )
    assert response.status_code == 302
    cast.outsider.refresh_from_db()
    assert cast.outsider.check_password(PASSWORD)


def test_it_lets_a_platform_operator_use_the_admin(
    cast: Cast, client: Client, operator: Person
) -> None:
    client.force_login(operator)
    assert client.get("/admin/orgs/person/").status_code == 200


def test_it_refuses_staff_flags_for_organization_people_in_the_model(cast: Cast) -> None:
    cast.admin.is_superuser = True
    with pytest.raises(ValidationError):
        cast.admin.full_clean()


def test_it_refuses_staff_flags_for_organization_people_in_the_database(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=cast.admin.pk).update(is_superuser=True)


def test_it_refuses_an_operator_with_flags_joining_an_organization(
    cast: Cast, operator: Person
) -> None:
    operator.organization = cast.org
    with pytest.raises(ValidationError):
        operator.full_clean()


def test_the_migration_lower_cases_logins_and_keeps_operators_flags(
    cast: Cast, operator: Person
) -> None:
    from django.apps import apps

    migration = importlib.import_module(
        "sustain.orgs.migrations.0002_login_email_case_insensitive_org_people_not_staff"
    )
    Person.objects.filter(pk=cast.rep.pk).update(email="Rita.Rep@Acme-Corp.example")
    migration.clear_staff_flags_and_lower_emails(apps, None)
    cast.rep.refresh_from_db()
    operator.refresh_from_db()
    assert cast.rep.email == "rita.rep@acme-corp.example"
    assert operator.is_superuser


def test_the_demo_admin_is_not_staff(demo_admin: Person) -> None:
    assert demo_admin.organization_id is not None
    assert not (demo_admin.is_staff or demo_admin.is_superuser)
