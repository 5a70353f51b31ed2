"""Reads of people and teams, each scoped through `access`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sustain.lib.queries import count_per_row
from sustain.orgs import access
from sustain.orgs.models import Person, Region, Role, Team


def people_list(
    *,
    viewer: Person,
    role: str | None = None,
    q: str = "",
    team: str = "",
    active: bool | None = None,
) -> QuerySet[Person]:
    """The people the viewer sees, narrowed by role, a name or email search, a team name
    search and active status (each when given)."""
    people = access.people_visible_to(viewer).select_related("region", "team")
    if role:
        people = people.filter(role=role)
    if q:
        people = people.filter(Q(name__icontains=q) | Q(email__icontains=q))
    if team:
        people = people.filter(team__name__icontains=team)
    if active is not None:
        people = people.filter(is_active=active)
    return people


def regions_list(*, viewer: Person) -> QuerySet[Region]:
    return (
        Region.objects.filter(organization=viewer.organization_id)
        .annotate(
            n_teams=count_per_row(Team.objects.all(), "region"),
            n_people=count_per_row(Person.objects.all(), "region"),
        )
        .order_by("name")
    )


def teams_list(*, viewer: Person, q: str = "") -> QuerySet[Team]:
    """The teams the viewer sees, each with `size` (its reps), narrowed by a search on the
    team's or its manager's name. `size` is a subquery per row, not a join with GROUP BY,
    so counting the list and cutting a page of it stay cheap."""
    teams = access.teams_visible_to(viewer).select_related("region", "manager")
    if q:
        teams = teams.filter(Q(name__icontains=q) | Q(manager__name__icontains=q))
    return teams.annotate(size=count_per_row(Person.objects.filter(role=Role.REP), "team"))


def team_with_members(*, viewer: Person, team: Team) -> Team:
    """The team with `visible_members` (what the viewer may see of its roster) and `size`."""
    members = list(
        access.people_visible_to(viewer).filter(team=team).select_related("region", "team")
    )
    team.visible_members = members  # type: ignore[attr-defined]  # set on the instance for the page or response
    team.size = sum(1 for m in members if m.role == Role.REP)  # type: ignore[attr-defined]  # set on the instance for the page or response
    return team


def org_summary(*, viewer: Person) -> dict[str, int]:
    people = access.people_visible_to(viewer)
    counts = dict(people.values_list("role").annotate(n=Count("*")).values_list("role", "n"))
    return {
        "reps": counts.get(Role.REP, 0),
        "managers": counts.get(Role.MANAGER, 0),
        "people": sum(counts.values()),
        "teams": access.teams_visible_to(viewer).count(),
    }


def teams_with_members(*, viewer: Person) -> list[Team]:
    """All visible teams, each with `visible_members`, in two queries."""
    teams = list(teams_list(viewer=viewer))
    by_team: dict[int, list[Person]] = {t.pk: [] for t in teams}
    members = access.people_visible_to(viewer).filter(team__in=teams).select_related("region")
    for person in members.order_by("name"):
        assert person.team_id is not None  # filtered on team__in
        by_team[person.team_id].append(person)
    for team in teams:
        team.visible_members = by_team[team.pk]  # type: ignore[attr-defined]  # set on the instance for the page or response
    return teams
