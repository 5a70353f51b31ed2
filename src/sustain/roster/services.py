"""The roster import: upsert the organization's people from an HRIS or CRM user export.

All or nothing, and a dry run answers exactly what the import would do: both run the same
writes in one transaction, and the dry run rolls it back. Every write is a bulk query over a
batch, so 20,000 people cost a fixed number of queries per batch of BATCH people (see
benchmarks/roster/)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from sustain.lib.uploads import CellError, TableRejected, read_table
from sustain.notify.models import NotificationPreferences
from sustain.orgs import access
from sustain.orgs import services as org_services
from sustain.orgs.models import Organization, Person, Region, Role, Team
from sustain.roster.importer import MAPPABLE, RosterRow, parse_roster
from sustain.roster.models import RosterMapping

BATCH = 1000
PERSON_FIELDS = ("name", "role", "team_id", "region_id", "hire_date", "is_active")
# Said of any address that is already a login elsewhere: an admin must not learn who uses
# Sustain in other organizations.
UNUSABLE_EMAIL = org_services.UNUSABLE_EMAIL


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: list[CellError] = field(default_factory=list)
    # For the preview page: who, by email, and the teams and regions that would be new.
    created_emails: list[str] = field(default_factory=list)
    updated_emails: list[str] = field(default_factory=list)
    deactivated_emails: list[str] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)
    new_regions: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)  # everyone in the file
    dry_run: bool = False

    def counts(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "errors": [e.as_dict() for e in self.errors],
        }


class RosterRejected(TableRejected):
    """The roster has errors; nothing was written."""


class _RollBack(Exception):
    pass


def _chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The saved column mapping -----------------------------------------------------------------


def roster_mapping_get(*, organization: Organization) -> RosterMapping:
    return RosterMapping.objects.filter(organization=organization).first() or RosterMapping(
        organization=organization
    )


@transaction.atomic
def roster_mapping_save(
    *, organization: Organization, columns: dict[str, str], date_order: str = ""
) -> RosterMapping:
    unknown = sorted(set(columns) - set(MAPPABLE))
    if unknown:
        raise ValidationError({"columns": f"Not roster fields: {', '.join(unknown)}."})
    mapping, _ = RosterMapping.objects.get_or_create(organization=organization)
    mapping.columns = {k: v.strip() for k, v in columns.items() if v and v.strip()}
    mapping.date_order = date_order
    mapping.updated_at = timezone.now()
    mapping.full_clean()
    mapping.save(update_fields=["columns", "date_order", "updated_at"])
    return mapping


# The import -------------------------------------------------------------------------------


@dataclass
class _RosterChanges:
    """What the file asks for, resolved against the organization."""

    rows: list[RosterRow]
    existing: dict[str, dict[str, Any]]  # email -> the stored person's fields
    teams: dict[str, Mapping[str, Any]]  # lower name -> stored team fields
    regions: dict[str, int]  # lower name -> region id
    team_managers: dict[str, str]  # lower team name -> manager email
    missing: list[dict[str, Any]]  # active people absent from the file (to deactivate)


def roster_import(
    *,
    organization: Organization,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    by: Person | None = None,
) -> RosterResult:
    """Upsert the file's people by email (any case). Raises RosterRejected, with every
    error's row and column, and writes nothing when any row is wrong; with `dry_run`
    writes nothing either and answers what the import would have done."""
    try:
        table = read_table(data, filename)
    except TableRejected as exc:
        raise RosterRejected(exc.errors) from None
    mapping = roster_mapping_get(organization=organization)
    roster, errors = parse_roster(table, mapping=mapping.columns, date_order=mapping.date_order)
    if errors:
        raise RosterRejected(errors)
    result = RosterResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            changes = _changes(organization, roster.rows, roster.headers, deactivate_missing, by)
            _apply(organization, changes, result)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return result


def _changes(
    organization: Organization,
    rows: list[RosterRow],
    headers: dict[str, str],
    deactivate_missing: bool,
    by: Person | None,
) -> _RosterChanges:
    errors: list[CellError] = []
    people = Person.objects.filter(organization=organization).select_for_update(of=("self",))
    existing = {
        p["email"].lower(): p
        for p in people.values(
            "pk",
            "email",
            "name",
            *PERSON_FIELDS,
            time_zone=Coalesce("notification_preferences__time_zone", Value("")),
        )
    }
    teams: dict[str, Mapping[str, Any]] = {
        t["name"].strip().lower(): t
        for t in Team.objects.filter(organization=organization).values(
            "pk", "name", "region_id", "manager_id"
        )
    }
    regions = {
        name.strip().lower(): pk
        for pk, name in Region.objects.filter(organization=organization).values_list("pk", "name")
    }
    email_col = headers["email"]
    in_file = {r.email: r for r in rows}
    new_emails = [e for e in in_file if e not in existing]
    for chunk in _chunks(new_emails):
        for taken in Person.objects.filter(email__in=chunk).values_list("email", flat=True):
            errors.append(CellError(in_file[taken.lower()].row, email_col, UNUSABLE_EMAIL))

    def final_role(email: str) -> str | None:
        row, stored = in_file.get(email), existing.get(email)
        if row is not None:
            return row.role or (stored["role"] if stored else Role.REP)
        if stored is None or not stored["is_active"] or deactivate_missing:
            return None  # nobody, or nobody active after the import
        return cast(str, stored["role"])

    team_managers = _team_managers(rows, headers, final_role, errors)
    manager_col = headers.get("manager_email", "manager_email")
    for row in rows:
        if row.manager_email and final_role(row.manager_email) is None:
            errors.append(
                CellError(
                    row.row,
                    manager_col,
                    "unknown manager: no active person with this email in the file or the "
                    "organization",
                )
            )
    missing = (
        [p for email, p in existing.items() if email not in in_file and p["is_active"]]
        if deactivate_missing
        else []
    )
    errors += _stranded(organization, rows, headers, existing, teams, team_managers, missing, by)
    if errors:
        raise RosterRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    return _RosterChanges(rows, existing, teams, regions, team_managers, missing)


def _team_managers(
    rows: list[RosterRow],
    headers: dict[str, str],
    final_role: Any,
    errors: list[CellError],
) -> dict[str, str]:
    """Each team's manager, from its members' manager_email. Managers in the team do not
    vote (their own manager leads the level above), nor does anyone the team's members name
    as manager. A team whose only members are one manager is hers. A team the file gives no
    manager keeps the one it has."""
    column = headers.get("manager_email", "manager_email")
    if "team" not in headers:
        return {}
    named: dict[str, set[str]] = {}
    managers_in: dict[str, list[str]] = {}
    for r in rows:
        if r.team and r.manager_email:
            named.setdefault(r.team.lower(), set()).add(r.manager_email)
        if r.team and final_role(r.email) == Role.MANAGER:
            managers_in.setdefault(r.team.lower(), []).append(r.email)
    chosen: dict[str, tuple[str, int]] = {}
    for r in rows:
        if not (r.team and r.manager_email) or final_role(r.email) == Role.MANAGER:
            continue
        key = r.team.lower()
        if r.email in named[key]:
            continue
        if key not in chosen:
            chosen[key] = (r.manager_email, r.row)
            role = final_role(r.manager_email)
            if role is not None and role != Role.MANAGER:
                errors.append(
                    CellError(
                        r.row,
                        column,
                        f"ineligible manager: {r.manager_email} would lead {r.team} but is "
                        f"not a manager (role {role})",
                    )
                )
        elif chosen[key][0] != r.manager_email:
            first, row = chosen[key]
            errors.append(
                CellError(
                    r.row,
                    column,
                    f"{r.team} already has manager {first} (row {row}): a team has one manager",
                )
            )
    managers = {team: email for team, (email, _row) in chosen.items()}
    for team, emails in managers_in.items():
        if team not in managers and len(emails) == 1:
            managers[team] = emails[0]
    return managers


def _stranded(
    organization: Organization,
    rows: list[RosterRow],
    headers: dict[str, str],
    existing: dict[str, dict[str, Any]],
    teams: dict[str, Mapping[str, Any]],
    team_managers: dict[str, str],
    missing: list[dict[str, Any]],
    by: Person | None,
) -> list[CellError]:
    """Changes the file would make that leave a team without an eligible manager, the
    organization without an admin, or the importing admin locked out."""
    from sustain.programs.models import Program

    errors = []
    in_file = {r.email: r for r in rows}
    email_of = {p["pk"]: email for email, p in existing.items()}
    gone = {p["pk"] for p in missing}
    role_col = headers.get("role", "role")
    for key, team in teams.items():
        if key in team_managers or team["manager_id"] is None:
            continue
        email = email_of.get(team["manager_id"], "")
        row = in_file.get(email)
        if team["manager_id"] in gone:
            errors.append(
                CellError(
                    0,
                    "",
                    f"{email} is not in the file but manages {team['name']}: keep her in the "
                    "file, or give the team another manager in it",
                )
            )
        elif row is not None and row.role and row.role != Role.MANAGER:
            errors.append(
                CellError(
                    row.row,
                    role_col,
                    f"{email} manages {team['name']}: give the team another manager first",
                )
            )
    for pk, name in Program.objects.filter(organization=organization).values_list(
        "owner_id", "name"
    ):
        email = email_of.get(pk, "")
        row = in_file.get(email)
        if row is not None and row.role and row.role not in access.PROGRAM_OWNER_ROLES:
            errors.append(
                CellError(row.row, role_col, f"{email} owns {name}: name another owner first")
            )
    for pk, name in Program.objects.filter(
        organization=organization, owner_id__in=list(gone)
    ).values_list("owner_id", "name"):
        errors.append(
            CellError(
                0, "", f"{email_of[pk]} is not in the file but owns {name}: name another owner"
            )
        )
    admins_after = [
        email
        for email, p in existing.items()
        if p["is_active"]
        and p["pk"] not in gone
        and p["role"] == Role.ADMIN
        and not (email in in_file and in_file[email].role not in (None, Role.ADMIN))
    ] + [r.email for r in rows if r.role == Role.ADMIN]
    had_admin = any(p["is_active"] and p["role"] == Role.ADMIN for p in existing.values())
    if had_admin and not admins_after:
        errors.append(CellError(0, role_col, "the import would leave the organization no admin"))
    if by is not None and by.organization_id == organization.pk:
        mine = in_file.get(by.email.lower())
        if by.pk in gone:
            errors.append(
                CellError(0, "", f"you ({by.email}) are not in the file and would be deactivated")
            )
        elif mine is not None and mine.role not in (None, by.role):
            errors.append(CellError(mine.row, role_col, "you cannot change your own role"))
    return errors


def _apply(organization: Organization, changes: _RosterChanges, result: RosterResult) -> None:
    rows, existing = changes.rows, changes.existing
    result.emails = [r.email for r in rows]
    # Regions, then teams (a new team takes the region of its first row).
    new_regions: dict[str, str] = {}
    for r in rows:
        if r.region and r.region.lower() not in changes.regions:
            new_regions.setdefault(r.region.lower(), r.region)
    Region.objects.bulk_create(
        [Region(organization=organization, name=n) for n in new_regions.values()]
    )
    regions = {
        n.strip().lower(): pk
        for pk, n in Region.objects.filter(organization=organization).values_list("pk", "name")
    }
    new_teams: dict[str, Team] = {}
    for r in rows:
        if r.team and r.team.lower() not in changes.teams and r.team.lower() not in new_teams:
            region_id = regions.get(r.region.lower()) if r.region else None
            new_teams[r.team.lower()] = Team(
                organization=organization, name=r.team, region_id=region_id
            )
    Team.objects.bulk_create(list(new_teams.values()))
    teams = {
        n.strip().lower(): pk
        for pk, n in Team.objects.filter(organization=organization).values_list("pk", "name")
    }
    result.new_regions = list(new_regions.values())
    result.new_teams = [t.name for t in new_teams.values()]

    to_create: list[Person] = []
    to_update: list[Person] = []
    zones: dict[str, str] = {}  # email -> the time zone the file changes hers to
    for r in rows:
        stored = existing.get(r.email)
        values = {
            "name": r.name,
            "role": r.role or (stored["role"] if stored else Role.REP),
            "team_id": _ref(r.team, teams, stored, "team_id"),
            "region_id": _ref(r.region, regions, stored, "region_id"),
            "hire_date": r.hire_date if r.has_hire_date else (stored or {}).get("hire_date"),
            "is_active": True,
        }
        if r.time_zone is not None and r.time_zone != (stored or {}).get("time_zone", ""):
            zones[r.email] = r.time_zone
        if stored is None:
            to_create.append(
                Person(
                    organization=organization,
                    email=r.email,
                    password=_unusable_password(),
                    **values,
                )
            )
            result.created_emails.append(r.email)
        elif any(stored[f] != v for f, v in values.items()):
            to_update.append(Person(pk=stored["pk"], **values))
            result.updated_emails.append(r.email)
        elif r.email in zones:
            result.updated_emails.append(r.email)
        else:
            result.unchanged += 1
    for chunk in _chunks(to_create):
        Person.objects.bulk_create(chunk)
    for chunk in _chunks(to_update):
        Person.objects.bulk_update(chunk, list(PERSON_FIELDS))
    result.created, result.updated = len(to_create), len(result.updated_emails)
    pks = {p.email: p.pk for p in to_create} | {e: p["pk"] for e, p in existing.items()}
    _set_time_zones({pks[email]: zone for email, zone in zones.items()})

    _set_team_managers(organization, changes.team_managers, teams)
    _deactivate_many([p["pk"] for p in changes.missing])
    result.deactivated_emails = sorted(p["email"] for p in changes.missing)
    result.deactivated = len(changes.missing)


def _set_time_zones(zones: dict[int, str]) -> None:
    """Each person's time zone (of her notification preferences, where quiet hours are
    kept): the row updated where she has one, created where she has none and the file
    gives a zone."""
    people = list(zones)
    for chunk in _chunks(people):
        stored = list(NotificationPreferences.objects.filter(person_id__in=chunk))
        for prefs in stored:
            prefs.time_zone, prefs.updated_at = zones[prefs.person_id], timezone.now()
        NotificationPreferences.objects.bulk_update(stored, ["time_zone", "updated_at"])
        have = {p.person_id for p in stored}
        NotificationPreferences.objects.bulk_create(
            NotificationPreferences(person_id=pk, time_zone=zones[pk])
            for pk in chunk
            if pk not in have and zones[pk]
        )


def _unusable_password() -> str:
    """What `make_password(None)` stores (no login until she sets one through an invitation
    or a reset), at a fraction of its cost: one urandom call instead of forty."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _deactivate_many(pks: list[int]) -> None:
    """The people service's deactivation, one batch at a time. Its refusals (a team's
    manager, a program's owner, the last admin, the importing admin herself) were checked
    for the whole file in `_stranded`."""
    for chunk in _chunks(pks):
        org_services.people_deactivate_checked(person_ids=chunk)


def _ref(
    name: str | None, ids: dict[str, int], stored: dict[str, Any] | None, field: str
) -> int | None:
    if name is None:  # the column is absent: keep what she has
        return stored[field] if stored else None
    return ids[name.lower()] if name else None


def _set_team_managers(
    organization: Organization, managers: dict[str, str], teams: dict[str, int]
) -> None:
    if not managers:
        return
    emails = sorted(set(managers.values()))
    pk_of: dict[str, int] = {}
    for chunk in _chunks(emails):
        pk_of.update(
            (e.lower(), pk)
            for pk, e in Person.objects.filter(
                organization=organization, email__in=chunk
            ).values_list("pk", "email")
        )
    changed = [Team(pk=teams[team], manager_id=pk_of[email]) for team, email in managers.items()]
    for chunk in _chunks(changed):
        Team.objects.bulk_update(chunk, ["manager"])


def roster_invite(*, organization: Organization, emails: list[str], by: Person) -> int:
    """Invite everyone imported who has never signed in (the accounts service sends each
    an absolute set-password link). Returns how many were invited."""
    from sustain.accounts.services import invitations_send

    invited = 0
    for chunk in _chunks(emails, 5000):
        people = Person.objects.filter(organization=organization, email__in=chunk)
        invited += invitations_send(people=people, invited_by=by)
    return invited
