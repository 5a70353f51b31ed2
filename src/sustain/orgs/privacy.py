"""Minimum group size for aggregates (k-anonymity), decided here and nowhere else.

An average, share or count of outcomes over a group is individual data in disguise when
the group is small: the mean of one rep is her number. So any such figure shown to a
person who may not see the group's members one by one is withheld when fewer than the
organization's `min_group_size` people (k, 5 by default) stand behind it. Selectors call
`shown()`/`suppress()`; views and the API render what comes back."""

from __future__ import annotations

from typing import Any

from sustain.orgs import access
from sustain.orgs.models import Organization, Person

DEFAULT_MIN_GROUP_SIZE = 5


def min_group_size(organization: Organization | None) -> int:
    return organization.min_group_size if organization is not None else DEFAULT_MIN_GROUP_SIZE


def sees_members(viewer: Person) -> bool:
    """Whether the viewer may read every rep's individual data in her organization (and so
    gains nothing from suppression): executives, program owners, analysts, admins."""
    return access.sees_whole_org(viewer)


def _org(viewer: Person | None, organization: Organization | None) -> Organization | None:
    if organization is not None:
        return organization
    return viewer.organization if viewer is not None else None


def shown(
    viewer: Person | None,
    people: int,
    *,
    organization: Organization | None = None,
    private_to_all: bool = False,
) -> bool:
    """May an aggregate over `people` distinct people be shown to `viewer`? Always for
    those who see the members, unless the answers are private to everyone
    (`private_to_all`, e.g. pulse answers); otherwise only from k people up. A viewer of
    None is nobody in particular: the rule for everyone (give the `organization`)."""
    if viewer is not None and not private_to_all and sees_members(viewer):
        return True
    return people >= min_group_size(_org(viewer, organization))


def fewest_shown(
    viewer: Person | None,
    *,
    organization: Organization | None = None,
    private_to_all: bool = False,
) -> int:
    """The fewest people an aggregate shown to `viewer` may stand on: `shown()` as a
    number, for filtering grouped rows in SQL (`HAVING people >= fewest_shown(...)`)."""
    if viewer is not None and not private_to_all and sees_members(viewer):
        return 0
    return min_group_size(_org(viewer, organization))


def withheld(viewer: Person | None, *, organization: Organization | None = None) -> str:
    """What is shown in place of a suppressed figure."""
    return f"fewer than {min_group_size(_org(viewer, organization))} reps"


def suppress(
    viewer: Person | None,
    rows: list[dict[str, Any]],
    *,
    people: str,
    figures: tuple[str, ...],
    private_to_all: bool = False,
) -> list[dict[str, Any]]:
    """Rows of an aggregate with each row's `figures` set to None (and `suppressed` to the
    reason) where the row's `people` count is below k for this viewer."""
    out = []
    for row in rows:
        row = dict(row)
        hide = not shown(viewer, row[people], private_to_all=private_to_all)
        if hide:
            row.update(dict.fromkeys(figures))
        row["suppressed"] = withheld(viewer) if hide else None
        out.append(row)
    return out
