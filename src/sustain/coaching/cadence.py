"""The coaching cadence, stated once, as SQL over enrollments.

The rule: on day D an enrollment (a rep's, in a program that is not closed) is *due*
once she was trained on or before D. It is *on time* on D when D is no later than its
*due day*: the later of her last observation in the program on or before D and her
training date, plus the interval of the program's policy on D
(`CoachingPolicy.interval_days`: `intensive_per_month` while D is within
`intensive_days` of her training, `steady_per_month` after; the default policy for a
program without a row). Said the other way round: she was trained, or observed in the
program, within the interval up to D.

`due_day` and `on_time` are the only places this rule is written: coaching's coverage and
due lists (`coaching.selectors`) evaluate it on today, certification's consistency
(`certification.selectors`) on each of its weeks; `coaching.selectors.CadenceData.due_by`
is the same rule in Python, for the per-day labels of `coached_labels`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from sustain.coaching.models import CoachingPolicy, Observation

EPOCH = dt.date(1970, 1, 1)


class DayNumber(Func):
    """A date as days since 1970-01-01, so that cadence arithmetic (the due date is the
    last observation plus the policy's interval) runs in SQL, alike on SQLite and
    PostgreSQL."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(%(expressions)s - DATE '1970-01-01')"
        return self.as_sql(compiler, connection, template=template, **extra)


def day_number(day: dt.date) -> int:
    """`DayNumber` of a date, in Python."""
    return (day - EPOCH).days


def interval(policies: Iterable[CoachingPolicy], as_of: dt.date) -> Case:
    """The interval in days of each enrollment on `as_of` (`CoachingPolicy.interval_days`):
    its program's policy among `policies` (the default one for a program not among
    them), intensive while she is within `intensive_days` of her training, steady after."""

    def intensive(policy: CoachingPolicy) -> Q:
        return Q(trained_on__gt=as_of - dt.timedelta(days=policy.intensive_days))

    def steady(policy: CoachingPolicy) -> Value:
        return Value(policy.interval_days(policy.intensive_days))

    default = CoachingPolicy()
    return Case(
        *[
            w
            for p in policies
            for w in (
                When(Q(program_id=p.program_id) & intensive(p), then=Value(p.interval_days(0))),
                When(program_id=p.program_id, then=steady(p)),
            )
        ],
        When(intensive(default), then=Value(default.interval_days(0))),
        default=steady(default),
    )


def last_observed(as_of: dt.date) -> Subquery:
    """The enrollment's last observation in its program on or before `as_of`, since her
    training (None when there is none)."""
    last = Observation.objects.filter(
        rep=OuterRef("person_id"),
        program=OuterRef("program_id"),
        date__gte=OuterRef("trained_on"),
        date__lte=as_of,
    ).order_by("-date")
    return Subquery(last.values("date")[:1])


def due_day(policies: Iterable[CoachingPolicy], as_of: dt.date) -> Any:
    """The `DayNumber` of the day each enrollment's next observation is due by, judged on
    `as_of`: the later of her last observation since training (on or before `as_of`) and
    her training date, plus the policy's interval on `as_of`. Over enrollments with a
    training date."""
    return DayNumber(Coalesce(last_observed(as_of), F("trained_on"))) + interval(policies, as_of)


def on_time(policies: Iterable[CoachingPolicy], as_of: dt.date) -> Q:
    """The enrollments due on `as_of` (trained by then) and on time that day: their
    `due_day` is not before it. The programs' closed status is the caller's filter."""
    return Q(trained_on__lte=as_of) & Q(
        GreaterThanOrEqual(due_day(policies, as_of), Value(day_number(as_of)))
    )
