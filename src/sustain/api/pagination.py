"""Every API list answers one page, the django-ninja way: `{"items": [...], "count": N}`
with `?limit=` (default NINJA_PAGINATION_PER_PAGE, at most NINJA_PAGINATION_MAX_LIMIT; a
larger or non-positive limit is a 422) and `?offset=`. `count` is the whole list's length.
Each endpoint returns its rows in a stable order, stated in its docstring."""

import typing
from collections.abc import Callable
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate

# Past this an offset only overflows the database's integers (a 500): no list is that long.
MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def paginated[F: Callable[..., Any]](func: F) -> F:
    """`@paginate(LimitOffsetPagination)` (with a bounded offset) that also works in modules with
    `from __future__ import annotations`: ninja reads the endpoint's parameter types
    through paginate's wrapper, whose globals are ninja's, so string annotations naming
    this module's imports would not resolve. They are resolved here, in the endpoint's
    own module, first."""
    func.__annotations__ = typing.get_type_hints(func, include_extras=True)
    return typing.cast(F, paginate(Pagination)(func))
