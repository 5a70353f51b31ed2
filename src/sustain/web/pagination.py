"""Long lists on pages: one page of rows at a time, `?page=` in the query string, drawn by
`web/_pagination.html` (which keeps the rest of the query string: searches and filters)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def page_of(request: HttpRequest, rows: Any, *, per_page: int = PER_PAGE) -> Page[Any]:
    """The page of `rows` (an ordered QuerySet: counted and sliced in SQL) that `?page=`
    asks for; the last page when the number is past the end, the first when it is not a
    number."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
