"""Every API list answers one page, the django-ninja way: `{"items": [...], "count": N}`
with `?limit=` (default NINJA_PAGINATION_PER_PAGE, at most NINJA_PAGINATION_MAX_LIMIT; a
larger or non-positive limit is a 422) and `?offset=`. `count` is the whole list's length.
Each endpoint returns its rows in a stable order, stated in its docstring."""

import typing
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
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


class PageRows[M: Model, R]:
    """A list endpoint's rows built in Python one page at a time: the paginator counts
    `queryset` in SQL and slices it, and only that slice goes through `build` (which turns
    the page's objects into the response rows, in order). Hand it to a `@paginated`
    endpoint instead of a list of every row."""

    def __init__(self, queryset: QuerySet[M], build: Callable[[list[M]], list[R]]) -> None:
        self.queryset = queryset
        self.build = build

    def __getitem__(self, page: slice) -> list[R]:
        return self.build(list(self.queryset[page]))

    def __len__(self) -> int:
        return self.queryset.count()
