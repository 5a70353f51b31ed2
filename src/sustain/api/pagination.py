"""Every API list answers one page, the django-ninja way: `{"items": [...], "count": N}`
with `?limit=` (default NINJA_PAGINATION_PER_PAGE, at most NINJA_PAGINATION_MAX_LIMIT; a
larger or non-positive limit is a 422) and `?offset=`. `count` is the whole list's length.
Each endpoint returns its rows in a stable order, stated in its docstring."""

import typing
from collections.abc import Callable
from typing import Any

from ninja.pagination import LimitOffsetPagination, paginate


def paginated[F: Callable[..., Any]](func: F) -> F:
    """`@paginate(LimitOffsetPagination)` that also works in modules with
    `from __future__ import annotations`: ninja reads the endpoint's parameter types
    through paginate's wrapper, whose globals are ninja's, so string annotations naming
    this module's imports would not resolve. They are resolved here, in the endpoint's
    own module, first."""
    func.__annotations__ = typing.get_type_hints(func)
    return typing.cast(F, paginate(LimitOffsetPagination)(func))
