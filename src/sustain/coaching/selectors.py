"""Reads of the coaching app: cadence and coverage, histories, skill-trend charts.

Coverage: a rep is *due* once she has been trained in a program that is not closed; she
is *on time* when her last observation in each such program (or her training date, if
never observed) is no older than the policy's interval (15 days during the first 90
days at 2 a month, then 30). Coverage = reps on time / reps due."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Prefetch, QuerySet

from sustain.coaching.models import (
    CoachingPolicy,
    Observation,
    ObservationScore,
    RubricBehaviour,
    Score,
)
from sustain.orgs.models import Person, Role
from sustain.programs.models import Enrollment, Program, ProgramStatus


@dataclass
class RepStatus:
    rep: Person
    on_time: bool = True
    last_observed: dt.date | None = None
    days_overdue: int = 0
    next_due: dt.date | None = None
    programs: list[Program] = field(default_factory=list)


@dataclass
class CadenceData:
    """Everything needed to compute coverage at any date, loaded in three queries."""

    enrollments: list[Enrollment]
    policies: dict[int, CoachingPolicy]
    dates: dict[tuple[int, int], list[dt.date]]

    def policy(self, e: Enrollment) -> CoachingPolicy:
        return self.policies.get(e.program_id) or CoachingPolicy()

    def due_by(self, e: Enrollment, as_of: dt.date) -> tuple[dt.date | None, dt.date]:
        """The enrollment's last observation on or before `as_of` and the date the next
        one is due by (`e.trained_on` must be set)."""
        assert e.trained_on is not None
        dates = self.dates.get((e.person_id, e.program_id), [])
        i = bisect.bisect_right(dates, as_of)
        last = dates[i - 1] if i else None
        reference = max(last, e.trained_on) if last else e.trained_on
        return last, reference + dt.timedelta(
            days=self.policy(e).interval_days((as_of - e.trained_on).days)
        )

    def intensive_on_time(self, e: Enrollment, as_of: dt.date) -> tuple[int, int]:
        """(days on time, days elapsed) over the enrollment's intensive period (the policy's
        first `intensive_days` after training) up to `as_of`."""
        assert e.trained_on is not None
        end = min(as_of, e.trained_on + dt.timedelta(days=self.policy(e).intensive_days))
        elapsed = (end - e.trained_on).days
        on_time = 0
        for n in range(1, elapsed + 1):
            day = e.trained_on + dt.timedelta(days=n)
            on_time += day <= self.due_by(e, day)[1]
        return on_time, max(elapsed, 0)

    def statuses(self, as_of: dt.date) -> list[RepStatus]:
        by_rep: dict[int, RepStatus] = {}
        for e in self.enrollments:
            if e.trained_on is None or e.trained_on > as_of:
                continue
            status = by_rep.setdefault(e.person_id, RepStatus(rep=e.person))
            status.programs.append(e.program)
            last, due_by = self.due_by(e, as_of)
            if last and (status.last_observed is None or last > status.last_observed):
                status.last_observed = last
            if status.next_due is None or due_by < status.next_due:
                status.next_due = due_by
            if as_of > due_by:
                status.on_time = False
                status.days_overdue = max(status.days_overdue, (as_of - due_by).days)
        return sorted(
            by_rep.values(),
            key=lambda s: (s.on_time, -s.days_overdue, s.next_due or dt.date.max, s.rep.name),
        )


def cadence_data(
    *,
    reps: QuerySet[Person] | Iterable[Person],
    program: Program | None = None,
    programs: list[Program] | None = None,
) -> CadenceData:
    enrollments = (
        Enrollment.objects.filter(
            person__in=reps,
            person__role=Role.REP,
            trained_on__isnull=False,
        )
        .exclude(program__status=ProgramStatus.CLOSED)
        .select_related("person__team", "program")
    )
    if program is not None:
        enrollments = enrollments.filter(program=program)
    if programs is not None:
        enrollments = enrollments.filter(program__in=programs)
    enrollments_list = list(enrollments)
    program_ids = {e.program_id for e in enrollments_list}
    policies = {p.program_id: p for p in CoachingPolicy.objects.filter(program_id__in=program_ids)}
    dates: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    rows = (
        Observation.objects.filter(
            rep__in={e.person_id for e in enrollments_list}, program_id__in=program_ids
        )
        .order_by("date")
        .values_list("rep_id", "program_id", "date")
    )
    for rep_id, program_id, date in rows:
        dates[(rep_id, program_id)].append(date)
    return CadenceData(enrollments_list, policies, dict(dates))


COACHED = "yes"
NOT_COACHED = "no"
TOO_EARLY = "too early"
NOT_TRAINED = "not trained"
# A rep is judged once she has had this many days of her intensive period, and counts as
# coached when on time on at least this share of them ("most", with a margin so that two
# observations in her first month do not carry a 70-day-old cohort).
MIN_JUDGED_DAYS = 30
COACHED_SHARE = 2 / 3


def coached_labels(*, reps: QuerySet[Person], as_of: dt.date) -> dict[int, str]:
    """Whether each rep was coached as the program's policy asks, from the observations:
    "yes" when she was on time (see the module docstring) on at least COACHED_SHARE (two
    thirds) of the days of her intensive period (the first `intensive_days`, 90 by default, after her workshop, or
    as much of it as has elapsed by `as_of`); "no" otherwise; "too early" when fewer than
    MIN_JUDGED_DAYS of it have elapsed; "not trained" when she has no training date. With
    several programs, coached in any of them counts."""
    data = cadence_data(reps=reps)
    labels = {pk: NOT_TRAINED for pk in reps.values_list("pk", flat=True)}
    rank = {NOT_TRAINED: 0, TOO_EARLY: 1, NOT_COACHED: 2, COACHED: 3}
    for e in data.enrollments:
        if e.trained_on is None or e.trained_on > as_of:
            continue
        on_time, elapsed = data.intensive_on_time(e, as_of)
        label = (
            TOO_EARLY
            if elapsed < MIN_JUDGED_DAYS
            else COACHED
            if on_time >= COACHED_SHARE * elapsed
            else NOT_COACHED
        )
        if rank[label] > rank[labels.get(e.person_id, NOT_TRAINED)]:
            labels[e.person_id] = label
    return labels


def score_trend(*, program: Program, window_days: int = 30) -> dict[str, Any] | None:
    """Average rubric score of the program's observations in each rep's first
    `window_days` after her workshop, and in the latest `window_days` with observations:
    the behaviour change of Kirkpatrick level 3. None when nothing has been scored."""
    rows = list(
        ObservationScore.objects.filter(observation__program=program).values_list(
            "observation__rep_id", "observation__date", "score"
        )
    )
    if not rows:
        return None
    trained = {
        person_id: day
        for person_id, day in Enrollment.objects.filter(
            program=program, trained_on__isnull=False
        ).values_list("person_id", "trained_on")
        if day is not None
    }
    latest_day = max(date for _rep, date, _score in rows)
    early = [
        (rep, s)
        for rep, date, s in rows
        if rep in trained and 0 <= (date - trained[rep]).days < window_days
    ]
    recent = [(rep, s) for rep, date, s in rows if (latest_day - date).days < window_days]
    return {
        "early": round(sum(s for _r, s in early) / len(early), 2) if early else None,
        "early_n": len(early),
        "early_people": len({r for r, _s in early}),
        "recent": round(sum(s for _r, s in recent) / len(recent), 2),
        "recent_n": len(recent),
        "recent_people": len({r for r, _s in recent}),
        "latest_day": latest_day,
    }


def summarize(statuses: list[RepStatus]) -> dict[str, Any]:
    """`statuses` keep their order: overdue first (most overdue on top), then by next due."""
    due = len(statuses)
    on_time = sum(s.on_time for s in statuses)
    return {
        "due": due,
        "on_time": on_time,
        "coverage": round(on_time / due, 4) if due else 1.0,
        "overdue": [s for s in statuses if not s.on_time],
        "statuses": statuses,
    }


def team_reps(team_ids: Iterable[int]) -> QuerySet[Person]:
    """The teams' active reps: a deactivated rep leaves the due lists (her observations
    stay in her history and in the analysis)."""
    return Person.objects.filter(team_id__in=list(team_ids), role=Role.REP, is_active=True)


def coverage(
    *, reps: QuerySet[Person], today: dt.date, program: Program | None = None
) -> dict[str, Any]:
    return summarize(cadence_data(reps=reps, program=program).statuses(today))


def weekly_coverage(
    *, reps: QuerySet[Person], today: dt.date, weeks: int, program: Program | None = None
) -> list[tuple[dt.date, dict[str, Any]]]:
    """Coverage at the end of each of the last `weeks` weeks, oldest first."""
    data = cadence_data(reps=reps, program=program)
    ends = [today - dt.timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
    return [(end, summarize(data.statuses(end))) for end in ends]


def team_coverage_rows(
    *, program: Program, teams: Iterable[Any], today: dt.date
) -> list[dict[str, Any]]:
    teams = list(teams)
    statuses = cadence_data(reps=team_reps(t.pk for t in teams), program=program).statuses(today)
    by_team: dict[int | None, list[RepStatus]] = defaultdict(list)
    for s in statuses:
        by_team[s.rep.team_id].append(s)
    return [{"team": t, **summarize(by_team.get(t.pk, []))} for t in teams]


def observations_for_rep(
    *, observations: QuerySet[Observation], rep: Person, program: Program | None = None
) -> QuerySet[Observation]:
    qs = (
        observations.filter(rep=rep)
        .select_related("observer", "program", "rep__team")
        .prefetch_related(
            Prefetch("scores", queryset=ObservationScore.objects.select_related("concept")),
            "actions",
        )
    )
    return qs.filter(program=program) if program is not None else qs


def rubric(*, program: Program) -> list[Any]:
    concepts = list(
        program.concepts.prefetch_related(
            Prefetch("behaviours", queryset=RubricBehaviour.objects.order_by("position", "id"))
        )
    )
    return concepts


def skill_trend_rows(*, rep: Person, program: Program | None = None) -> list[dict[str, Any]]:
    """The rep's scores per concept in date order (a chart's data)."""
    rows = ObservationScore.objects.filter(observation__rep=rep)
    if program is not None:
        rows = rows.filter(observation__program=program)
    return [
        {"date": d.isoformat(), "concept": name, "score": score, "position": pos}
        for d, name, score, pos in rows.order_by("observation__date").values_list(
            "observation__date", "concept__name", "score", "concept__position"
        )
    ]


def distribution_rows(*, program: Program, reps: QuerySet[Person]) -> list[dict[str, Any]]:
    """Each rep's latest score per concept, counted per concept and score: an aggregate
    that names nobody."""
    latest: dict[tuple[int, int], tuple[dt.date, int, str, int]] = {}
    rows = (
        ObservationScore.objects.filter(
            observation__program=program,
            observation__rep__in=reps,
        )
        .values_list(
            "observation__rep_id",
            "concept_id",
            "observation__date",
            "score",
            "concept__name",
            "concept__position",
        )
        .order_by("observation__date", "id")
    )
    for rep_id, concept_id, date, score, name, pos in rows:
        latest[(rep_id, concept_id)] = (date, score, name, pos)
    counts: dict[tuple[str, int, int], int] = defaultdict(int)
    for _date, score, name, pos in latest.values():
        counts[(name, pos, score)] += 1
    labels = dict(Score.choices)
    return [
        {"concept": name, "position": pos, "score": score, "level": labels[score], "reps": n}
        for (name, pos, score), n in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][2]))
    ]


def observer_weeks(
    *, program: Program, today: dt.date, weeks: int = 26, observers: QuerySet[Person] | None = None
) -> list[dict[str, Any]]:
    """Observations per observer per week since the workshop, oldest week first: the
    manager who stopped coaching after week 4 shows as a row that goes blank."""
    start = today - dt.timedelta(weeks=weeks)
    qs = Observation.objects.filter(program=program, date__gt=start)
    if observers is not None:
        qs = qs.filter(observer__in=observers)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    names: set[str] = set()
    for name, date in qs.values_list("observer__name", "date"):
        week = weeks - 1 - (today - date).days // 7
        counts[(name, week)] += 1
        names.add(name)
    # Only weeks with observations get a cell: a manager who stopped leaves a blank row.
    return [
        {"observer": n, "week": w - weeks + 1, "observations": counts[(n, w)]}
        for n in sorted(names)
        for w in range(weeks)
        if counts.get((n, w))
    ]


def stalled_observers(
    *, program: Program, today: dt.date, quiet_weeks: int = 3
) -> list[dict[str, Any]]:
    """Managers with reps due who have recorded nothing in the last `quiet_weeks` weeks."""
    return stalled_observers_of(programs=[program], today=today, quiet_weeks=quiet_weeks)[
        program.pk
    ]


def stalled_observers_of(
    *, programs: list[Program], today: dt.date, quiet_weeks: int = 3
) -> dict[int, list[dict[str, Any]]]:
    """`stalled_observers` of several programs of one organization, in six queries."""
    if not programs:
        return {}
    managers = list(
        Person.objects.filter(
            role=Role.MANAGER,
            organization_id=programs[0].organization_id,
            managed_teams__isnull=False,
            is_active=True,
        ).distinct()
    )
    last: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for program_id, observer_id, date in (
        Observation.objects.filter(program__in=programs)
        .order_by()
        .values("program_id", "observer_id")
        .annotate(last=Max("date"))
        .values_list("program_id", "observer_id", "last")
    ):
        last[program_id][observer_id] = date
    data = cadence_data(
        reps=Person.objects.filter(team__manager__in=managers, role=Role.REP, is_active=True),
        programs=programs,
    )
    return {
        p.pk: _stalled(
            CadenceData(
                [e for e in data.enrollments if e.program_id == p.pk], data.policies, data.dates
            ),
            managers,
            last[p.pk],
            today,
            quiet_weeks,
        )
        for p in programs
    }


def _stalled(
    data: CadenceData,
    managers: list[Person],
    last: dict[int, dt.date],
    today: dt.date,
    quiet_weeks: int,
) -> list[dict[str, Any]]:
    statuses = data.statuses(today)
    due_by_manager: dict[int, list[RepStatus]] = defaultdict(list)
    for s in statuses:
        due_by_manager[(s.rep.team.manager_id or 0) if s.rep.team else 0].append(s)
    cutoff = today - dt.timedelta(weeks=quiet_weeks)
    rows = []
    for m in managers:
        reps_due = due_by_manager.get(m.pk, [])
        if not reps_due:
            continue
        last_date = last.get(m.pk)
        if last_date is None or last_date < cutoff:
            rows.append({"manager": m, "last": last_date, **summarize(reps_due)})
    return sorted(rows, key=lambda r: r["last"] or dt.date.min)
