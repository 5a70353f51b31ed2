"""API tokens: each person lists, creates and revokes her own; an admin revokes anyone's
in her organization; tokens expire, record when last used, and die with deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sustain.audit.models import AuditEvent, AuditKind
from sustain.orgs.models import ApiToken
from sustain.orgs.services import api_token_create
from tests.conftest import Api, Cast, Login


def _bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_it_lists_my_tokens_without_their_secret(cast: Cast, api: Api) -> None:
    client = api(cast.rep)
    body = client.get("/tokens").json()["items"]
    assert len(body) == 1
    assert set(body[0]) >= {"id", "name", "created_at", "last_used_at", "expires_at"}
    assert client.token not in str(body)
    assert ApiToken.objects.get(pk=body[0]["id"]).digest not in str(body)


def test_it_shows_a_new_tokens_secret_once_and_the_secret_works(cast: Cast, api: Api) -> None:
    client = api(cast.rep)
    response = client.post("/tokens", {"name": "CRM sync", "expires_in_days": 30})
    assert response.status_code == 201
    secret = response.json()["token"]
    assert _bearer(secret).get("/api/v1/me").json()["email"] == cast.rep.email
    listed = client.get("/tokens").json()["items"]
    assert secret not in str(listed)
    assert "CRM sync" in [t["name"] for t in listed]


def test_it_refuses_a_token_with_a_silly_expiry_and_creates_nothing(cast: Cast, api: Api) -> None:
    client = api(cast.rep)
    before = ApiToken.objects.count()
    assert client.post("/tokens", {"name": "x", "expires_in_days": 0}).status_code == 422
    assert client.post("/tokens", {"name": "", "expires_in_days": 3}).status_code == 422
    assert ApiToken.objects.count() == before


def test_it_refuses_an_expired_token_with_a_bearer_challenge(cast: Cast) -> None:
    raw = api_token_create(person=cast.rep, expires_in_days=1)
    ApiToken.objects.filter(person=cast.rep).update(expires_at=timezone.now())
    response = _bearer(raw).get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_challenges_a_request_without_a_token(client: Client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_records_last_use_at_most_once_a_minute(cast: Cast) -> None:
    raw = api_token_create(person=cast.rep)
    token = ApiToken.objects.get(person=cast.rep)
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    _bearer(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == recent
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent - dt.timedelta(minutes=1))
    _bearer(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at > recent


def test_it_revokes_my_token(cast: Cast, api: Api) -> None:
    raw = api_token_create(person=cast.rep, label="old script")
    token = ApiToken.objects.get(person=cast.rep, label="old script")
    assert api(cast.rep).delete(f"/tokens/{token.pk}").status_code == 204
    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_it_will_not_let_a_rep_see_or_revoke_someone_elses_token(cast: Cast, api: Api) -> None:
    api_token_create(person=cast.manager, label="hers")
    theirs = ApiToken.objects.get(person=cast.manager, label="hers")
    client = api(cast.rep)
    assert client.delete(f"/tokens/{theirs.pk}").status_code == 404
    assert client.get(f"/tokens?person={cast.manager.pk}").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_it_lets_an_admin_list_and_revoke_anyones_in_her_organization(cast: Cast, api: Api) -> None:
    raw = api_token_create(person=cast.rep, label="rep's")
    client = api(cast.admin)
    listed = client.get(f"/tokens?person={cast.rep.pk}").json()["items"]
    assert [t["name"] for t in listed] == ["rep's"]
    assert client.delete(f"/tokens/{listed[0]['id']}").status_code == 204
    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_it_hides_other_organizations_tokens_from_an_admin(cast: Cast, api: Api) -> None:
    api_token_create(person=cast.outsider, label="globex")
    foreign = ApiToken.objects.get(person=cast.outsider)
    client = api(cast.admin)
    assert client.delete(f"/tokens/{foreign.pk}").status_code == 404
    assert client.get(f"/tokens?person={cast.outsider.pk}").status_code == 404
    assert ApiToken.objects.filter(pk=foreign.pk).exists()


def test_it_refuses_a_deactivated_persons_token(cast: Cast) -> None:
    raw = api_token_create(person=cast.rep)
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])
    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_it_audits_token_creation_and_revocation(cast: Cast, api: Api) -> None:
    client = api(cast.admin)
    token = client.post("/tokens", {"name": "audit me"}).json()
    client.delete(f"/tokens/{token['id']}")
    kinds = set(AuditEvent.objects.filter(subject=cast.admin).values_list("kind", flat=True))
    assert {AuditKind.TOKEN_CREATED, AuditKind.TOKEN_REVOKED} <= kinds


def test_it_creates_an_expiring_token_from_the_command_line(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("token", "create", cast.analyst.email, "--expires-in", "7")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(digest=ApiToken.hash(raw))
    assert token.expires_at is not None
    assert dt.timedelta(days=6) < token.expires_at - timezone.now() <= dt.timedelta(days=7)


# The page ---------------------------------------------------------------------------


def test_it_links_the_tokens_page_from_the_user_menu(cast: Cast, login: Login) -> None:
    assert b'href="/tokens/"' in login(cast.rep).get("/").content


def test_it_creates_a_token_on_the_page_and_shows_the_secret_once(cast: Cast, login: Login) -> None:
    client = login(cast.rep)
    response = client.post("/tokens/", {"name": "Laptop", "expires_in_days": "90"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.encode() in response.content
    assert _bearer(secret).get("/api/v1/me").status_code == 200
    page = client.get("/tokens/")
    assert b"Laptop" in page.content
    assert secret.encode() not in page.content


def test_it_refuses_a_bad_expiry_on_the_page(cast: Cast, login: Login) -> None:
    response = login(cast.rep).post("/tokens/", {"name": "Laptop", "expires_in_days": "-3"})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(person=cast.rep).exists()


def test_it_revokes_from_the_page(cast: Cast, login: Login) -> None:
    raw = api_token_create(person=cast.rep, label="old")
    token = ApiToken.objects.get(person=cast.rep)
    response = login(cast.rep).post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert _bearer(raw).get("/api/v1/me").status_code == 401


def test_it_shows_a_rep_only_her_own_tokens_on_the_page(cast: Cast, login: Login) -> None:
    api_token_create(person=cast.manager, label="managers-token")
    api_token_create(person=cast.rep, label="reps-token")
    content = login(cast.rep).get("/tokens/").content
    assert b"reps-token" in content
    assert b"managers-token" not in content


def test_it_shows_an_admin_everyones_tokens_on_the_page(cast: Cast, login: Login) -> None:
    api_token_create(person=cast.manager, label="managers-token")
    api_token_create(person=cast.outsider, label="globex-token")
    content = login(cast.admin).get("/tokens/").content
    assert b"managers-token" in content
    assert b"globex-token" not in content


def test_it_404s_revoking_someone_elses_token_on_the_page(cast: Cast, login: Login) -> None:
    api_token_create(person=cast.manager)
    api_token_create(person=cast.outsider)
    for token in ApiToken.objects.all():
        assert login(cast.rep).post(f"/tokens/{token.pk}/revoke/").status_code == 404
    foreign = ApiToken.objects.get(person=cast.outsider)
    assert login(cast.admin).post(f"/tokens/{foreign.pk}/revoke/").status_code == 404
    assert ApiToken.objects.count() == 2


def test_it_costs_the_same_queries_for_many_tokens(cast: Cast, login: Login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/tokens/").status_code == 200
        return len(ctx)

    api_token_create(person=cast.rep)
    few = queries()
    for person in (cast.rep, cast.manager, cast.analyst, cast.trainer, cast.admin) * 4:
        api_token_create(person=person)
    assert queries() == few


def test_it_lets_an_admin_revoke_someone_elses_token_on_the_page(cast: Cast, login: Login) -> None:
    raw = api_token_create(person=cast.manager, label="hers")
    token = ApiToken.objects.get(person=cast.manager)
    assert login(cast.admin).post(f"/tokens/{token.pk}/revoke/").status_code == 302
    assert _bearer(raw).get("/api/v1/me").status_code == 401
    event = AuditEvent.objects.get(kind=AuditKind.TOKEN_REVOKED)
    assert (event.actor, event.subject) == (cast.admin, cast.manager)
