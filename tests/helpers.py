"""Helpers shared by test files (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.http import StreamingHttpResponse

if TYPE_CHECKING:
    from tests.conftest import Response

# The columns of every access-matrix table: the fixed cast's people, in this order
# (`Cast.by_role` reaches each).
ROLES = [
    "executive",
    "owner",
    "analyst",
    "admin",
    "manager",
    "other_manager",
    "rep",
    "other_rep",
    "trainer",
    "outsider",
]


def matrix_cases(table: Mapping[str, Sequence[object]]) -> list[tuple[str, str, object]]:
    """A table {kind: [expected answer per role, in ROLES order]} as parametrize cases
    (kind, role, expected)."""
    return [(kind, role, row[i]) for kind, row in table.items() for i, role in enumerate(ROLES)]


def streamed(response: Response) -> bytes:
    """The whole body of a streamed response (a download, a static file)."""
    assert isinstance(response, StreamingHttpResponse), response
    return b"".join(response.streaming_content)
