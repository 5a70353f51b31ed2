"""The roster import: upsert by email, teams, regions and managers from the file, dry run,
deactivate_missing, and every error with its row and column (nothing written)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from sustain.notify import services as notify_services
from sustain.notify.models import NotificationPreferences
from sustain.orgs.models import Person, Region, Role, Team
from sustain.roster import services
from sustain.roster.forms import RosterMappingForm
from sustain.roster.importer import HEADER_MAX_LENGTH
from sustain.roster.services import RosterRejected, roster_import
from tests.conftest import Api, Cast, Login

HEADER = "email,name,role,team,region,manager_email,hire_date\n"
ROSTER = HEADER + (
    "nina.north@acme-corp.example,Nina North,manager,North 1,North,,2020-01-15\n"
    "paul.north@acme-corp.example,Paul North,rep,North 1,North,nina.north@acme-corp.example,2023-05-02\n"
    "Rita.Rep@acme-corp.example,Rita R. Rep,rep,West 1,West,mia.manager@acme-corp.example,2024-03-01\n"
)


def _import(cast: Cast, text: str, **kwargs: Any) -> services.RosterResult:
    return roster_import(organization=cast.org, data=text.encode(), filename="roster.csv", **kwargs)


def _errors(cast: Cast, text: str, **kwargs: object) -> list[tuple[int, str, str]]:
    with pytest.raises(RosterRejected) as caught:
        _import(cast, text, **kwargs)
    return [(e.row, e.column, e.message) for e in caught.value.errors]


def test_it_creates_and_updates_people_by_email_in_any_case(cast: Cast) -> None:
    result = _import(cast, ROSTER)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    cast.rep.refresh_from_db()
    assert cast.rep.name == "Rita R. Rep"
    paul = Person.objects.get(email="paul.north@acme-corp.example")
    assert paul.organization == cast.org and paul.role == Role.REP
    assert paul.hire_date == dt.date(2023, 5, 2) and not paul.has_usable_password()
    again = _import(cast, ROSTER)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_it_creates_teams_and_regions_and_sets_each_teams_manager(cast: Cast) -> None:
    result = _import(cast, ROSTER)
    team = Team.objects.get(organization=cast.org, name="North 1")
    assert team.manager is not None and team.manager.email == "nina.north@acme-corp.example"
    assert team.region is not None and team.region.name == "North"
    assert Person.objects.get(email="paul.north@acme-corp.example").team == team
    assert result.new_teams == ["North 1"] and result.new_regions == ["North"]
    assert Region.objects.filter(organization=cast.org, name="West").count() == 1


def test_a_dry_run_says_what_would_change_and_writes_nothing(cast: Cast) -> None:
    before = Person.objects.count(), Team.objects.count()
    result = _import(cast, ROSTER, dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert (Person.objects.count(), Team.objects.count()) == before
    cast.rep.refresh_from_db()
    assert cast.rep.name == "Rita Rep"


def test_it_deactivates_the_active_people_missing_from_the_file(cast: Cast) -> None:
    text = HEADER + "".join(
        f"{p.email},{p.name},{p.role},{p.team.name if p.team else ''},,,\n"
        for p in Person.objects.filter(organization=cast.org).exclude(pk=cast.other_rep.pk)
    )
    preview = _import(cast, text, deactivate_missing=True, dry_run=True)
    assert preview.deactivated == 1
    cast.other_rep.refresh_from_db()
    assert cast.other_rep.is_active
    result = _import(cast, text, deactivate_missing=True)
    assert result.deactivated == 1 and result.deactivated_emails == [cast.other_rep.email]
    cast.other_rep.refresh_from_db()
    assert not cast.other_rep.is_active
    assert cast.program.enrollments.filter(person=cast.other_rep).exists()  # history kept


def test_it_refuses_to_deactivate_a_team_manager_left_out(cast: Cast) -> None:
    errors = _errors(cast, ROSTER, deactivate_missing=True)
    assert any("manages West 2" in m for _r, _c, m in errors)
    assert Person.objects.filter(organization=cast.org, is_active=False).count() == 0


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("nina.north@acme-corp.example,Dup,rep,,,,\n", "email", "duplicate email: also on row 2"),
        ("x@acme-corp.example,X,wizard,,,,\n", "role", "unknown role"),
        ("x@acme-corp.example,X,rep,,,,2024-02-30\n", "hire_date", "no such date"),
        ("x@acme-corp.example,X,rep,,,,03/04/2024\n", "hire_date", "ambiguous date"),
        ("not-an-email,X,rep,,,,\n", "email", "not an email address"),
        ("x@acme-corp.example,,rep,,,,\n", "name", "the name is empty"),
        (
            "x@acme-corp.example,X,rep,,,nobody@acme-corp.example,\n",
            "manager_email",
            "unknown manager",
        ),
        ("x@acme-corp.example,X,rep,,,x@acme-corp.example,\n", "manager_email", "her own manager"),
    ],
)
def test_it_names_the_row_and_column_of_each_error(
    cast: Cast, line: str, column: str, message: str
) -> None:
    before = Person.objects.count()
    errors = _errors(cast, ROSTER + line)
    assert [(r, c) for r, c, _m in errors] == [(5, column)]
    assert message in errors[0][2]
    assert Person.objects.count() == before
    assert not Team.objects.filter(name="North 1").exists()


def test_it_refuses_a_manager_who_is_not_a_manager(cast: Cast) -> None:
    text = HEADER + (
        "a@acme-corp.example,A,rep,South,,b@acme-corp.example,\n"
        "b@acme-corp.example,B,rep,Other,,,\n"
    )
    errors = _errors(cast, text)
    assert [(r, c) for r, c, _m in errors] == [(2, "manager_email")]
    assert "ineligible manager" in errors[0][2]


def test_it_refuses_a_manager_chain_that_loops(cast: Cast) -> None:
    text = HEADER + (
        "a@acme-corp.example,A,manager,,,b@acme-corp.example,\n"
        "b@acme-corp.example,B,manager,,,c@acme-corp.example,\n"
        "c@acme-corp.example,C,manager,,,a@acme-corp.example,\n"
        "d@acme-corp.example,D,rep,,,a@acme-corp.example,\n"
    )
    errors = _errors(cast, text)
    assert [(r, c) for r, c, _m in errors] == [
        (2, "manager_email"),
        (3, "manager_email"),
        (4, "manager_email"),
    ]
    assert "loops" in errors[0][2]


def test_it_refuses_two_managers_for_one_team(cast: Cast) -> None:
    text = ROSTER + "q@acme-corp.example,Q,rep,North 1,North,mia.manager@acme-corp.example,\n"
    errors = _errors(cast, text)
    assert [(r, c) for r, c, _m in errors] == [(5, "manager_email")]
    assert "already has manager nina.north@acme-corp.example (row 3)" in errors[0][2]


def test_it_refuses_an_email_that_is_a_login_elsewhere_without_saying_where(cast: Cast) -> None:
    errors = _errors(cast, ROSTER + f"{cast.outsider.email},X,rep,,,,\n")
    assert errors == [(5, "email", services.UNUSABLE_EMAIL)]
    assert "Globex" not in errors[0][2]


def test_it_reads_a_workday_xlsx_export_with_its_own_headers(cast: Cast) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["Worker", "Email - Primary Work", "Supervisory Organization", "Location", "Hire Date"]
    )
    sheet.append(
        ["Wanda Work", "wanda@acme-corp.example", "West 1", "West", dt.datetime(2022, 7, 1)]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = roster_import(organization=cast.org, data=buffer.getvalue(), filename="workday.xlsx")
    assert result.created == 1
    wanda = Person.objects.get(email="wanda@acme-corp.example")
    assert (wanda.name, wanda.team, wanda.hire_date) == (
        "Wanda Work",
        cast.team,
        dt.date(2022, 7, 1),
    )


def test_it_reads_bamboohr_first_and_last_names_and_a_saved_mapping(cast: Cast) -> None:
    services.roster_mapping_save(
        organization=cast.org, columns={"team": "Sales Pod"}, date_order="dmy"
    )
    text = (
        "First Name,Last Name,Work Email,Sales Pod,Department,Hire Date\n"
        "Bo,Bamboo,bo@acme-corp.example,West 2,Finance,03/04/2024\n"
    )
    _import(cast, text)
    bo = Person.objects.get(email="bo@acme-corp.example")
    assert (bo.name, bo.team, bo.hire_date) == ("Bo Bamboo", cast.other_team, dt.date(2024, 4, 3))


def test_it_names_a_missing_column(cast: Cast) -> None:
    assert _errors(cast, "name,team\nA,West 1\n") == [
        (1, "email", "missing column: the person's work email")
    ]


# The API: fixed contract ------------------------------------------------------------------


def _upload(text: str, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_api_imports_with_the_fixed_contract(api: Api, cast: Cast) -> None:
    client = api(cast.admin).client
    response = client.post("/api/v1/people/import?dry_run=true", {"file": _upload(ROSTER)})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 2,
        "updated": 1,
        "unchanged": 0,
        "deactivated": 0,
        "errors": [],
    }
    assert not Person.objects.filter(email="paul.north@acme-corp.example").exists()
    response = client.post("/api/v1/people/import", {"file": _upload(ROSTER)})
    assert response.json()["created"] == 2
    assert Person.objects.filter(email="paul.north@acme-corp.example").exists()


def test_the_api_answers_400_with_every_error_and_writes_nothing(api: Api, cast: Cast) -> None:
    client = api(cast.admin).client
    text = ROSTER + "x@acme-corp.example,X,wizard,,,,\nbad,Y,rep,,,,\n"
    response = client.post("/api/v1/people/import", {"file": _upload(text)})
    assert response.status_code == 400
    body = response.json()
    assert {k: body[k] for k in ("created", "updated", "unchanged", "deactivated")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
    }
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(5, "role"), (6, "email")]
    assert not Person.objects.filter(email="paul.north@acme-corp.example").exists()


def test_only_admins_import_people(api: Api, cast: Cast) -> None:
    for person in (cast.executive, cast.owner, cast.manager, cast.rep, cast.analyst):
        response = api(person).client.post("/api/v1/people/import", {"file": _upload(ROSTER)})
        assert response.status_code == 403, person.role
    assert not Person.objects.filter(email="paul.north@acme-corp.example").exists()


def test_the_api_saves_the_column_mapping(api: Api, cast: Cast) -> None:
    admin = api(cast.admin)
    response = admin.put(
        "/people/import/mapping", {"columns": {"team": "Pod"}, "date_order": "mdy"}
    )
    assert response.status_code == 200, response.content
    assert admin.get("/people/import/mapping").json() == {
        "columns": {"team": "Pod"},
        "date_order": "mdy",
    }
    assert admin.put("/people/import/mapping", {"columns": {"shoe_size": "X"}}).status_code == 400


# The page: upload, preview, confirm -------------------------------------------------------


def test_the_page_previews_then_imports_on_confirm(login: Login, cast: Cast) -> None:
    client = login(cast.admin)
    response = client.post(reverse("roster:import"), {"file": _upload(ROSTER)})
    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert "Preview: nothing is written yet" in response.content.decode()
    assert not Person.objects.filter(email="paul.north@acme-corp.example").exists()
    key = response.context["key"]
    done = client.post(reverse("roster:confirm"), {"key": key, "deactivate_missing": "0"})
    assert done.status_code == 200
    assert "2 created, 1 updated" in done.content.decode()
    assert Person.objects.filter(email="paul.north@acme-corp.example").exists()
    # The staged file is used once.
    assert client.post(reverse("roster:confirm"), {"key": key}).status_code == 404


def test_the_page_lists_errors_with_rows_and_columns(login: Login, cast: Cast) -> None:
    response = login(cast.admin).post(
        reverse("roster:import"), {"file": _upload(ROSTER + "x@acme-corp.example,X,wizard,,,,\n")}
    )
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(5, "role")]


def test_the_page_is_for_admins_and_the_confirm_for_its_own_organization(
    login: Login, cast: Cast
) -> None:
    assert login(cast.executive).get(reverse("roster:import")).status_code == 403
    response = login(cast.admin).post(reverse("roster:import"), {"file": _upload(ROSTER)})
    key = response.context["key"]
    outsider = login(cast.outsider).post(reverse("roster:confirm"), {"key": key})
    assert outsider.status_code == 404
    assert not Person.objects.filter(email="paul.north@acme-corp.example").exists()


# The command line ---------------------------------------------------------------------------


def test_the_command_imports_and_dry_runs(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    out = io.StringIO()
    call_command("import_people", str(path), "--org", cast.org.slug, "--dry-run", stdout=out)
    assert "Would import: 2 created, 1 updated" in out.getvalue()
    assert not Person.objects.filter(email="paul.north@acme-corp.example").exists()
    call_command("import_people", str(path), "--org", str(cast.org.pk), stdout=out)
    assert Person.objects.filter(email="paul.north@acme-corp.example").exists()
    path.write_text(ROSTER + "x@acme-corp.example,X,wizard,,,,\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_people", str(path), "--org", cast.org.slug, stderr=err)
    assert "row 5, column “role”" in err.getvalue()


def test_a_team_whose_only_member_is_a_manager_is_hers(cast: Cast) -> None:
    text = (
        HEADER
        + "new.lead@acme-corp.example,New Lead,manager,East 9,East,mia.manager@acme-corp.example,\n"
    )
    _import(cast, text)
    lead = Team.objects.get(name="East 9").manager
    assert lead is not None and lead.email == "new.lead@acme-corp.example"


def test_it_refuses_to_demote_a_team_manager_or_the_importing_admin(cast: Cast) -> None:
    errors = _errors(cast, HEADER + f"{cast.manager.email},Mia Manager,rep,,,,\n")
    assert [(r, c) for r, c, _m in errors] == [(2, "role")]
    assert "manages West 1" in errors[0][2]
    with pytest.raises(RosterRejected) as caught:
        _import(cast, HEADER + f"{cast.admin.email},Adam Admin,rep,,,,\n", by=cast.admin)
    messages = [e.message for e in caught.value.errors]
    assert "you cannot change your own role" in messages
    assert "the import would leave the organization no admin" in messages
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.ADMIN


def test_a_salesforce_user_report_imports_with_its_role_column_ignored(cast: Cast) -> None:
    services.roster_mapping_save(organization=cast.org, columns={"role": "-"})
    text = (
        "Full Name,Email,Role,Department,Division,Manager: Email,Active\n"
        "Sam Force,sam@acme-corp.example,Western Sales Team,West 2,West,otto.othermanager@acme-corp.example,1\n"
    )
    _import(cast, text)
    sam = Person.objects.get(email="sam@acme-corp.example")
    assert (sam.name, sam.role, sam.team) == ("Sam Force", Role.REP, cast.other_team)


def test_the_page_saves_the_mapping(login: Login, cast: Cast) -> None:
    response = login(cast.admin).post(
        reverse("roster:mapping"), {"team": "Sales Pod", "role": "-", "date_order": "mdy"}
    )
    assert response.status_code == 302
    mapping = services.roster_mapping_get(organization=cast.org)
    assert (mapping.columns, mapping.date_order) == ({"team": "Sales Pod", "role": "-"}, "mdy")
    assert login(cast.manager).post(reverse("roster:mapping"), {"team": "X"}).status_code == 403


def test_it_refuses_to_take_a_program_owner_out_of_the_owner_roles(cast: Cast) -> None:
    errors = _errors(cast, HEADER + f"{cast.owner.email},Olga Owner,rep,,,,\n")
    assert [(r, c) for r, c, _m in errors] == [(2, "role")]
    assert "owns Consultative Selling" in errors[0][2]


def test_deactivation_withdraws_the_messages_queued_for_them(cast: Cast) -> None:
    from sustain.notify.models import OutboxMessage, OutboxStatus
    from sustain.notify.services import outbox_enqueue

    outbox_enqueue(recipient=cast.other_rep, subject="Digest", body="3 refreshers due")
    text = HEADER + "".join(
        f"{p.email},{p.name},{p.role},{p.team.name if p.team else ''},,,\n"
        for p in Person.objects.filter(organization=cast.org).exclude(pk=cast.other_rep.pk)
    )
    _import(cast, text, deactivate_missing=True)
    assert OutboxMessage.objects.get(recipient=cast.other_rep).status == OutboxStatus.FAILED


def test_the_done_page_invites_everyone_imported_who_never_signed_in(
    login: Login, cast: Cast
) -> None:
    from sustain.notify.models import OutboxMessage

    client = login(cast.admin)
    preview = client.post(reverse("roster:import"), {"file": _upload(ROSTER)})
    done = client.post(reverse("roster:confirm"), {"key": preview.context["key"]})
    key = done.context["imported"]
    assert "Invite everyone imported" in done.content.decode()
    assert login(cast.outsider).post(reverse("roster:invite"), {"key": key}).status_code == 404
    response = login(cast.admin).post(reverse("roster:invite"), {"key": key})
    assert response.status_code == 302
    invited = set(OutboxMessage.objects.values_list("to", flat=True))
    assert {"nina.north@acme-corp.example", "paul.north@acme-corp.example"} <= invited
    assert len(invited) == 3  # Rita too: she never signed in


def test_the_api_refuses_a_header_the_page_refuses(api: Api, cast: Cast) -> None:
    header = "x" * (HEADER_MAX_LENGTH + 1)
    # The page's fields were bounded, the API's columns were not.
    assert not RosterMappingForm({"team": header}).is_valid()
    response = api(cast.admin).put("/people/import/mapping", {"columns": {"team": header}})
    assert response.status_code == 422
    assert api(cast.admin).get("/people/import/mapping").json()["columns"] == {}


ZONED = (
    "email,name,Time Zone\n"
    "rita.rep@acme-corp.example,Rita Rep,america/new_york\n"
    "paul.north@acme-corp.example,Paul North,Europe/Paris\n"
)


def test_it_sets_each_persons_time_zone_in_its_canonical_spelling(cast: Cast) -> None:
    NotificationPreferences.objects.create(
        person=cast.rep, quiet_start=dt.time(20, 0), quiet_end=dt.time(7, 0)
    )
    result = _import(cast, ZONED)
    assert (result.created, result.updated) == (1, 1)  # Rita: only her zone changed
    rita = NotificationPreferences.objects.get(person=cast.rep)
    assert rita.time_zone == "America/New_York" and rita.quiet_start == dt.time(20, 0)
    paul = Person.objects.get(email="paul.north@acme-corp.example")
    assert NotificationPreferences.objects.get(person=paul).time_zone == "Europe/Paris"
    # Her quiet hours are now kept in New York: 01:30 UTC is 20:30 there, inside them.
    now = dt.datetime(2026, 1, 15, 1, 30, tzinfo=dt.UTC)
    assert notify_services.quiet_until(rita, now) == dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
    assert _import(cast, ZONED).unchanged == 2


def test_it_clears_a_time_zone_on_an_empty_cell_and_keeps_it_without_the_column(
    cast: Cast,
) -> None:
    _import(cast, ZONED)
    _import(cast, "email,name\nrita.rep@acme-corp.example,Rita Rep\n")
    assert NotificationPreferences.objects.get(person=cast.rep).time_zone == "America/New_York"
    _import(cast, "email,name,timezone\nrita.rep@acme-corp.example,Rita Rep,\n")
    assert NotificationPreferences.objects.get(person=cast.rep).time_zone == ""


def test_it_refuses_an_offset_or_a_display_name_for_a_time_zone(cast: Cast) -> None:
    text = ZONED + "x@acme-corp.example,X,GMT-05:00\ny@acme-corp.example,Y,Eastern Time\n"
    errors = _errors(cast, text)
    assert [(row, column) for row, column, _ in errors] == [(4, "Time Zone"), (5, "Time Zone")]
    assert "IANA name" in errors[0][2]
    assert not NotificationPreferences.objects.filter(person__organization=cast.org).exists()
    assert not Person.objects.filter(email="paul.north@acme-corp.example").exists()


def test_it_previews_a_time_zone_change_without_writing_it(cast: Cast) -> None:
    result = _import(cast, ZONED, dry_run=True)
    assert result.updated_emails == ["rita.rep@acme-corp.example"]
    assert not NotificationPreferences.objects.exists()
