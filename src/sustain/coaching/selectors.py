"""Reads of the coaching app: cadence and coverage, histories, skill-trend charts.

Coverage: a rep is *due* once she has been trained in a program that is not closed, and
*on time* when she is on time in each such program by the cadence rule
(`coaching.cadence`: observed, or trained, within the policy's interval). Coverage = reps
on time / reps due."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from sustain.coaching import cadence
from sustain.coaching.models import (
    CoachingPolicy,
    CoachingSummary,
    Observation,
    ObservationScore,
    RubricBehaviour,
    Score,
    StalledManager,
)
from sustain.orgs.models import Person, Role, Team
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


def team_reps(team_ids: Iterable[int] | QuerySet[Any, int]) -> QuerySet[Person]:
    """The teams' active reps: a deactivated rep leaves the due lists (her observations
    stay in her history and in the analysis)."""
    teams = team_ids if isinstance(team_ids, QuerySet) else list(team_ids)
    return Person.objects.filter(team_id__in=teams, role=Role.REP, is_active=True)


def org_reps(organization_id: int) -> QuerySet[Person]:
    """`team_reps` of every team of the organization."""
    return team_reps(
        Team.objects.filter(organization_id=organization_id).values_list("pk", flat=True)
    )


def team_scope(team_ids: Iterable[int] | QuerySet[Any]) -> Q:
    """`team_reps` as a condition on enrollments, for `coverage` and the cadence reads."""
    # A subquery of people, so that SQL starts from them (the enrollment's person index)
    # rather than from every enrollment of the program.
    return Q(person__in=team_reps(team_ids))


def org_scope(organization_id: int) -> Q:
    """Every team's reps in the organization (`team_scope` of all its teams), as a join
    rather than a list of teams."""
    return Q(
        person__organization_id=organization_id,
        person__team__isnull=False,
        person__is_active=True,
    )


def coverage(
    *,
    reps: QuerySet[Person] | Q,
    today: dt.date,
    program: Program | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """`summarize` of the reps' statuses (`reps` a queryset, or a `team_scope` or
    `org_scope`), counted in SQL: "due", "on_time", "coverage", "n_overdue", and the
    first `limit` statuses (all when None) in `summarize`'s order as "statuses", with the
    overdue among them as "overdue". Four queries."""
    programs = [program] if program else None
    due = _due_enrollments(reps=reps, today=today, programs=programs)
    counts = due.aggregate(due=Count("person_id", distinct=True), late=_late_reps())
    statuses = _statuses(due, today, limit, one_program=program is not None)
    return {
        **_counts(counts["due"], counts["late"]),
        "overdue": [s for s in statuses if not s.on_time],
        "statuses": statuses,
    }


def _due_enrollments(
    *, reps: QuerySet[Person] | Q, today: dt.date, programs: list[Program] | None = None
) -> QuerySet[Enrollment]:
    """The enrollments that make reps due on `today` (trained by then, in a program not
    closed), each annotated with `due_day` (`cadence.due_day`) and, when she is not
    `cadence.on_time`, `late_rep` (her id). One query (the programs' policies) to build."""
    enrollments = Enrollment.objects.filter(
        reps if isinstance(reps, Q) else Q(person__in=reps),
        person__role=Role.REP,
        trained_on__isnull=False,
        trained_on__lte=today,
    ).exclude(program__status=ProgramStatus.CLOSED)
    policies = CoachingPolicy.objects.exclude(program__status=ProgramStatus.CLOSED)
    if programs is not None:
        enrollments = enrollments.filter(program__in=programs)
        policies = policies.filter(program__in=programs)
    else:  # the programs of the reps' organization
        policies = policies.filter(
            program__organization_id__in=enrollments.values("program__organization_id")[:1]
        )
    policy_list = list(policies)
    return enrollments.annotate(
        due_day=cadence.due_day(policy_list, today),
        late_rep=Case(
            When(cadence.on_time(policy_list, today), then=Value(None)),
            default=F("person_id"),
        ),
    )


def _late_reps() -> Count:
    """Reps with at least one enrollment overdue (due before today), over
    `_due_enrollments`."""
    return Count("late_rep", distinct=True)


def _counts(due: int, late: int) -> dict[str, Any]:
    on_time = due - late
    return {
        "due": due,
        "on_time": on_time,
        "n_overdue": late,
        "coverage": round(on_time / due, 4) if due else 1.0,
    }


def _statuses(
    due: QuerySet[Enrollment], today: dt.date, limit: int | None, *, one_program: bool
) -> list[RepStatus]:
    """The first `limit` reps' statuses in `summarize`'s order: overdue first, most overdue
    on top, then by next due date (a rep is overdue exactly when her next due date, the
    earliest over her programs, has passed), then by name."""
    # In one program a rep has one enrollment: no grouping needed.
    first = (
        (
            due.annotate(next_due=F("due_day"))
            if one_program
            else due.values("person_id").annotate(next_due=Min("due_day"))
        )
        .order_by("next_due", "person__name", "person_id")
        .values_list("person_id", "next_due")
    )
    rows = list(first if limit is None else first[:limit])
    today_n = (today - cadence.EPOCH).days
    statuses = {
        pk: RepStatus(
            rep=Person(pk=pk),
            on_time=next_due >= today_n,
            days_overdue=max(0, today_n - next_due),
            next_due=cadence.EPOCH + dt.timedelta(days=next_due),
        )
        for pk, next_due in rows
    }
    last = Observation.objects.filter(
        rep=OuterRef("person_id"), program=OuterRef("program_id"), date__lte=today
    ).order_by("-date")
    # The ids first (at most `limit` reps' enrollments): nested in the query below, the
    # due filter's joins would pass PostgreSQL's join_collapse_limit, and the planner would
    # hash-join every enrollment and person of the program to find these few.
    ids = list(due.filter(person_id__in=list(statuses)).values_list("pk", flat=True))
    enrollments = Enrollment.objects.filter(pk__in=ids)
    for e in (
        enrollments.select_related("person__team", "program")
        .annotate(last=Subquery(last.values("date")[:1]))
        .order_by("program_id")
    ):
        status = statuses[e.person_id]
        status.rep = e.person
        status.programs.append(e.program)
        if e.last and (status.last_observed is None or e.last > status.last_observed):
            status.last_observed = e.last
    return list(statuses.values())


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
    """Coverage of each of `teams` (a page of them) in the program, in one query."""
    teams = list(teams)
    counts = {
        row["person__team_id"]: row
        for row in _due_enrollments(
            reps=team_reps(t.pk for t in teams), today=today, programs=[program]
        )
        .values("person__team_id")
        .annotate(due=Count("person_id", distinct=True), late=_late_reps())
        .order_by()
    }
    return [
        {"team": t, **_counts(counts[t.pk]["due"], counts[t.pk]["late"])}
        if t.pk in counts
        else {"team": t, **_counts(0, 0)}
        for t in teams
    ]


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


# The overdue reps the program's coaching page lists at once (the most overdue).
OVERDUE_SHOWN = 10


def stored_coverage(summary: CoachingSummary) -> dict[str, Any]:
    """The organization's coverage as stored in `summary` (`services.coaching_summary_refresh`),
    shaped as `coverage` returns it; its overdue reps' names and teams are read now (one
    query), and a rep deleted since is left out."""
    stored = summary.coverage
    rows = stored.get("overdue", [])
    people = Person.objects.select_related("team").in_bulk([r["rep"] for r in rows])
    overdue = [
        RepStatus(
            rep=people[r["rep"]],
            on_time=False,
            days_overdue=r["days_overdue"],
            last_observed=_day(r["last_observed"]),
            next_due=_day(r["next_due"]),
        )
        for r in rows
        if r["rep"] in people
    ]
    counts = {key: stored.get(key, 0) for key in ("due", "on_time", "n_overdue")}
    return {**counts, "coverage": stored.get("coverage", 1.0), "overdue": overdue}


def _day(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def distribution_rows(*, program: Program, reps: QuerySet[Person]) -> list[dict[str, Any]]:
    """Each rep's latest score per concept, counted per concept and score: an aggregate
    that names nobody. In SQL: the latest score of each (rep, concept) by a window, then
    counted per concept and score."""
    scores = ObservationScore.objects.filter(
        observation__program=program, observation__rep__in=reps
    )
    latest = (
        scores.annotate(
            nth=Window(
                RowNumber(),
                partition_by=[F("observation__rep_id"), F("concept_id")],
                order_by=[F("observation__date").desc(), F("id").desc()],
            )
        )
        .filter(nth=1)
        .values("pk")
    )
    rows = (
        ObservationScore.objects.filter(pk__in=latest)
        .order_by()
        .values_list("concept__name", "concept__position", "score")
        .annotate(n=Count("id"))
        .order_by("concept__position", "concept_id", "score")
    )
    labels = dict(Score.choices)
    return [
        {"concept": name, "position": pos, "score": score, "level": labels[score], "reps": n}
        for name, pos, score, n in rows
    ]


def observer_weeks(
    *, program: Program, today: dt.date, weeks: int = 26, observers: QuerySet[Person] | None = None
) -> list[dict[str, Any]]:
    """Observations per observer per week since the workshop, oldest week first: the
    manager who stopped coaching after week 4 shows as a row that goes blank. Counted in
    SQL per observer's name and week (0 = the last 7 days, -1 the 7 before, ...)."""
    start = today - dt.timedelta(weeks=weeks)
    qs = Observation.objects.filter(program=program, date__gt=start)
    if observers is not None:
        qs = qs.filter(observer__in=observers)
    week = Case(
        *[When(date__gt=today - dt.timedelta(weeks=k + 1), then=Value(-k)) for k in range(weeks)],
        output_field=IntegerField(),
    )
    rows = (
        qs.order_by()
        .annotate(week=week)
        .values_list("observer__name", "week")
        .annotate(n=Count("id"))
        .order_by("observer__name", "week")
    )
    # Only weeks with observations get a cell: a manager who stopped leaves a blank row.
    return [{"observer": name, "week": w, "observations": n} for name, w, n in rows]


@dataclass(frozen=True)
class Stalled:
    """A program's managers who stopped coaching: the first rows (dicts, or stored
    `StalledManager`s), and how many in all."""

    rows: list[Any]
    total: int


def stalled_observers(
    *, program: Program, today: dt.date, quiet_weeks: int = 3
) -> list[dict[str, Any]]:
    """Managers with reps due who have recorded nothing in the last `quiet_weeks` weeks,
    longest silent first (never first): {"manager", "last", "due", "on_time",
    "coverage", "n_overdue"}."""
    rows = _stalled_rows([program], today, quiet_weeks)[program.pk]
    return _with_counts(program, rows, today)


def stored_stalled_page(
    *, summary: CoachingSummary, page: Any, per_page: int = 25
) -> Page[StalledManager]:
    """One page (`?stalled_page=`) of the managers who stopped coaching, as stored with
    `summary` (`services.coaching_summary_refresh`), longest silent first."""
    rows = summary.stalled.select_related("manager").order_by("position")
    return Paginator(rows, per_page).get_page(page)


def stored_stalled_of(*, summaries: list[CoachingSummary], limit: int) -> dict[int, Stalled]:
    """By program, the first `limit` managers who stopped coaching and their number, as
    stored with each summary; two queries however many programs."""
    ids = [s.pk for s in summaries]
    totals = dict(
        StalledManager.objects.filter(summary__in=ids)
        .order_by()
        .values_list("summary")
        .annotate(n=Count("id"))
        .values_list("summary", "n")
    )
    rows: dict[int, list[StalledManager]] = defaultdict(list)
    first = StalledManager.objects.filter(summary__in=ids, position__lt=limit)
    for row in first.select_related("manager").order_by("summary", "position"):
        rows[row.summary_id].append(row)
    return {s.program_id: Stalled(rows[s.pk], totals.get(s.pk, 0)) for s in summaries}


def _stalled_rows(
    programs: list[Program], today: dt.date, quiet_weeks: int
) -> dict[int, list[dict[str, Any]]]:
    """Per program, the active managers of a team with a rep due (trained by `today`, in a
    program not closed) whose last observation in it is older than `quiet_weeks` weeks
    or missing, never-observed first, then the oldest; one query for all programs."""
    out: dict[int, list[dict[str, Any]]] = {p.pk: [] for p in programs}
    open_programs = [p for p in programs if p.status != ProgramStatus.CLOSED]
    if not open_programs:
        return out
    cutoff = today - dt.timedelta(weeks=quiet_weeks)
    managers = Person.objects.filter(
        Exists(Team.objects.filter(manager=OuterRef("pk"))),
        role=Role.MANAGER,
        organization_id=open_programs[0].organization_id,
        is_active=True,
    )
    queries = []
    for p in open_programs:
        last = Observation.objects.filter(program=p, observer=OuterRef("pk")).order_by("-date")
        # From the manager's teams to their reps to each rep's enrollment (the indexed way
        # in), never from the program's enrollments.
        reps_due = Person.objects.filter(
            Exists(
                Enrollment.objects.filter(person=OuterRef("pk"), program=p, trained_on__lte=today)
            ),
            team__manager=OuterRef("pk"),
            role=Role.REP,
            is_active=True,
        )
        queries.append(
            managers.annotate(program_id=Value(p.pk), last=Subquery(last.values("date")[:1]))
            .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
            .filter(Exists(reps_due))
            .values_list("program_id", "pk", "name", "last")
            .order_by()
        )
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    for program_id, pk, name, last_date in sorted(
        union, key=lambda r: (r[3] or dt.date.min, r[2], r[1])
    ):
        out[program_id].append({"manager_id": pk, "name": name, "last": last_date})
    return out


def _with_counts(
    program: Program, rows: list[dict[str, Any]], today: dt.date
) -> list[dict[str, Any]]:
    """`rows` of managers with their reps' coverage in the program (two queries)."""
    return _with_counts_of({program.pk: rows}, [program], today)[program.pk]


def _with_counts_of(
    rows: dict[int, list[dict[str, Any]]], programs: list[Program], today: dt.date
) -> dict[int, list[dict[str, Any]]]:
    """Each program's `rows` of managers with their reps' coverage in it, in two queries
    however many programs."""
    managers = {r["manager_id"] for p in programs for r in rows[p.pk]}
    if not managers:
        return {p.pk: [] for p in programs}
    scope = Q(person__in=Person.objects.filter(team__manager_id__in=managers, is_active=True))
    counts = {
        (row["program_id"], row["person__team__manager_id"]): row
        for row in _due_enrollments(reps=scope, today=today, programs=programs)
        .values("program_id", "person__team__manager_id")
        .annotate(due=Count("person_id", distinct=True), late=_late_reps())
        .order_by()
    }
    # Only the rows shown become people (a display name is all a row needs).
    return {
        p.pk: [
            {
                "manager": Person(pk=r["manager_id"], name=r["name"]),
                "last": r["last"],
                **_counts(counts[key]["due"], counts[key]["late"]),
            }
            for r in rows[p.pk]
            if (key := (p.pk, r["manager_id"])) in counts
        ]
        for p in programs
    }
