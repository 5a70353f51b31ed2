"""Small query shapes several selectors share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_per_row(rows: QuerySet[Any], field: str) -> Coalesce:
    """How many of `rows` point at the outer query's row through `field`, as a correlated
    subquery: each row's count is read by index, not by joining and grouping every row,
    so counting a list and cutting a page of it stay cheap. `COUNT(*)`, not of a column,
    lets an index on `field` alone answer it (PostgreSQL's index-only scan)."""
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
