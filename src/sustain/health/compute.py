"""Daily health of a program: the signals of every trained rep read with a handful of
grouped queries, rolled up to team, manager, region and program with pandas, and stored in
`HealthDay` (a day's rows replaced together, so re-running a day is idempotent)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Hashable, Mapping
from typing import Any, NamedTuple

import pandas as pd
from django.db import connection
from django.db.models import Avg, Count, Max, Q

from sustain.certification.models import Certification, CertificationPolicy
from sustain.coaching.models import CoachingPolicy, Observation, ObservationScore
from sustain.health import signals as sig
from sustain.health.models import HealthDay, HealthSettings, Level
from sustain.orgs.models import Role
from sustain.plans.models import Plan, PlanPolicy
from sustain.programs.models import Enrollment, Program
from sustain.programs.selectors import program_settings
from sustain.readiness.models import Acknowledgement, OwnerProfile, ReadinessSettings
from sustain.refreshers.models import Question, Review
from sustain.refreshers.services import day_start

TREND_WINDOW = dt.timedelta(days=42)


def _reps(program: Program, day: dt.date) -> pd.DataFrame:
    rows = (
        Enrollment.objects.filter(
            program=program,
            person__role=Role.REP,
            person__is_active=True,
            trained_on__isnull=False,
            trained_on__lte=day,
        )
        .values_list(
            "person_id",
            "person__name",
            "person__team_id",
            "person__team__name",
            "person__team__manager_id",
            "person__team__manager__name",
            "person__team__region_id",
            "person__team__region__name",
            "trained_on",
        )
        .iterator(chunk_size=20000)
    )
    cols = [
        "rep",
        "name",
        "team",
        "team_name",
        "manager",
        "manager_name",
        "region",
        "region_name",
        "trained_on",
    ]
    return pd.DataFrame.from_records(list(rows), columns=cols)


def _series(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns).set_index(columns[0])


def rep_frame(program: Program, day: dt.date) -> pd.DataFrame:
    """One row per trained rep with her raw signal values on `day` (NaN: no data)."""
    reps = _reps(program, day)
    if reps.empty:
        return reps
    end = day_start(day + dt.timedelta(days=1))
    reps = reps.set_index("rep")
    since = (pd.Timestamp(day) - pd.to_datetime(reps["trained_on"])).dt.days

    # Coaching: days since her last observation (since training when never), on time.
    last = _series(
        Observation.objects.filter(program=program, date__lte=day)
        .values("rep_id")
        .annotate(last=Max("date"))
        .values_list("rep_id", "last"),
        ["rep", "last"],
    )
    reps = reps.join(last)
    last_seen = pd.to_datetime(reps["last"]).fillna(pd.to_datetime(reps["trained_on"]))
    reps["days_since_obs"] = (pd.Timestamp(day) - last_seen).dt.days
    policy = program_settings(program, CoachingPolicy)
    interval = since.lt(policy.intensive_days).map(
        {True: policy.interval_days(0), False: policy.interval_days(policy.intensive_days)}
    )
    reps["on_time"] = (reps["days_since_obs"] <= interval).astype(float)

    # Rubric trend: mean score in the last six weeks minus before.
    cut = day - TREND_WINDOW
    trend = _series(
        ObservationScore.objects.filter(observation__program=program, observation__date__lte=day)
        .values("observation__rep_id")
        .annotate(
            recent=Avg("score", filter=Q(observation__date__gt=cut)),
            earlier=Avg("score", filter=Q(observation__date__lte=cut)),
        )
        .values_list("observation__rep_id", "recent", "earlier"),
        ["rep", "recent", "earlier"],
    )
    reps = reps.join(trend)
    reps["trend"] = reps["recent"].astype(float) - reps["earlier"].astype(float)

    # Refreshers: answered in the last 14 days; correct share over the last 28.
    has_questions = Question.objects.filter(concept__program=program).exists()
    reviews = _series(
        Review.objects.filter(
            concept__program=program,
            reviewed_at__gte=end - dt.timedelta(days=28),
            reviewed_at__lt=end,
        )
        .values("person_id")
        .annotate(
            n=Count("id"),
            correct=Count("id", filter=Q(correct=True)),
            n14=Count("id", filter=Q(reviewed_at__gte=end - dt.timedelta(days=14))),
        )
        .values_list("person_id", "n", "correct", "n14"),
        ["rep", "n", "correct", "n14"],
    )
    reps = reps.join(reviews)
    for c in ("n", "correct", "n14"):
        reps[c] = reps[c].fillna(0).astype(float)
    reps["participated"] = (reps["n14"] > 0).astype(float) if has_questions else float("nan")

    # Plans: committed, and check-ins missed in a row while the plan runs.
    plan_days = program_settings(program, PlanPolicy).plan_days
    plans = _series(
        Plan.objects.filter(program=program, start__lte=day)
        .annotate(last_week=Max("check_ins__week", filter=Q(check_ins__week__lte=day)))
        .values_list("rep_id", "start", "committed_at", "last_week"),
        ["rep", "start", "committed_at", "last_week"],
    )
    reps = reps.join(plans)
    has_plan = reps["start"].notna()
    committed = pd.to_datetime(reps["committed_at"], utc=True)
    reps["committed"] = (committed.notna() & (committed < pd.Timestamp(end))).astype(float)
    reps.loc[~has_plan, "committed"] = float("nan")
    start = pd.to_datetime(reps["start"])
    anchor = pd.to_datetime(reps["last_week"]).fillna(start)
    running = has_plan & ((pd.Timestamp(day) - start).dt.days < plan_days)
    missed = ((pd.Timestamp(day) - anchor).dt.days // 7 - 1).clip(lower=0)
    reps["missed"] = missed.where(running)

    # Certification: her manager certified and still coaching to the policy's cadence.
    certified = set(
        Certification.objects.filter(program=program, certified_on__lte=day).values_list(
            "manager_id", flat=True
        )
    )
    min_cov = program_settings(program, CertificationPolicy).consistency_min_coverage / 100
    mgr_cov = reps.groupby("manager")["on_time"].mean()
    current = {m for m in certified if mgr_cov.get(m, 0.0) >= min_cov}
    reps["certified"] = reps["manager"].map(lambda m: 1.0 if m in current else 0.0)
    reps.loc[reps["manager"].isna(), "certified"] = float("nan")
    reps["lapsed"] = reps["manager"].map(lambda m: m in certified and m not in current)

    pulse = _series(
        Acknowledgement.objects.filter(
            program=program, acknowledged_at__lt=end, pulse__isnull=False
        ).values_list("rep_id", "pulse"),
        ["rep", "pulse"],
    )
    reps = reps.join(pulse)
    reps["pulse"] = reps["pulse"].astype(float)
    return reps


def owner_fit(program: Program) -> float | None:
    profile = OwnerProfile.objects.filter(program=program).first()
    if profile is None:
        return None
    minimum = (program_settings(program, ReadinessSettings)).min_owner_time_share
    return (bool(profile.has_sales_experience) + (profile.time_share >= minimum)) / 2


AGG = {
    "n": ("on_time", "size"),
    "on_time": ("on_time", "mean"),
    "days_since_obs": ("days_since_obs", "min"),
    "participated": ("participated", "mean"),
    "correct": ("correct", "sum"),
    "reviews": ("n", "sum"),
    "committed": ("committed", "mean"),
    "plans": ("committed", "count"),
    "missed": ("missed", "mean"),
    "trend": ("trend", "mean"),
    "trend_n": ("trend", "count"),
    "certified": ("certified", "mean"),
    "pulse": ("pulse", "mean"),
    "pulse_n": ("pulse", "count"),
}


def _num(v: Any) -> float | None:
    return None if v is None or v != v else float(v)  # NaN is not equal to itself


def _values(r: Mapping[Hashable, Any]) -> dict[str, tuple[float | None, str]]:
    """Signal values of one aggregated row (a group of reps, or one rep)."""
    n = int(r["n"])
    reviews = float(r["reviews"])
    return {
        "coaching_coverage": (_num(r["on_time"]), f"of {n} reps, observed within cadence"),
        "coaching_cadence": (
            _num(r["days_since_obs"]),
            "since the latest observation of these reps",
        ),
        "refresher_participation": (
            _num(r["participated"]),
            f"of {n} reps answered one in 14 days",
        ),
        "refresher_retention": (
            float(r["correct"]) / reviews if reviews else None,
            f"{reviews:.0f} answers",
        ),
        "plan_commitment": (_num(r["committed"]), f"of {int(r['plans'])} plans"),
        "checkin_missed": (_num(r["missed"]), "over running plans"),
        "rubric_trend": (_num(r["trend"]), f"{int(r['trend_n'])} reps scored in both windows"),
        "certification": (_num(r["certified"]), "manager certified and keeping the cadence"),
        "buy_in_pulse": (_num(r["pulse"]), f"{int(r['pulse_n'])} answers"),
    }


def _aggregate(reps: pd.DataFrame, key: str | None) -> pd.DataFrame:
    if key is None:
        return reps.assign(_all=0).groupby("_all").agg(**AGG)
    return reps[reps[key].notna()].groupby(key).agg(**AGG)


def _per_rep(reps: pd.DataFrame) -> pd.DataFrame:
    """The aggregated columns for groups of one, without a groupby over 100,000 groups."""
    return pd.DataFrame(
        {
            "n": 1,
            "on_time": reps["on_time"],
            "days_since_obs": reps["days_since_obs"],
            "participated": reps["participated"],
            "correct": reps["correct"],
            "reviews": reps["n"],
            "committed": reps["committed"],
            "plans": reps["committed"].notna().astype(int),
            "missed": reps["missed"],
            "trend": reps["trend"],
            "trend_n": reps["trend"].notna().astype(int),
            "certified": reps["certified"],
            "pulse": reps["pulse"],
            "pulse_n": reps["pulse"].notna().astype(int),
        },
        index=reps.index,
    )


class Row(NamedTuple):
    level: str
    subject_id: int
    name: str
    people: int
    score: int
    signals: list[dict[str, Any]]


def day_rows(program: Program, day: dt.date, reps: pd.DataFrame) -> list[Row]:
    """The day's rows: the program, then each region, team, manager and rep."""
    conf = sig.effective(program_settings(program, HealthSettings).signals)
    rows: list[Row] = []

    def add(level: str, subject_id: int, name: str, values: dict[str, Any], people: int) -> None:
        score, explained = sig.explain(values, conf)
        rows.append(Row(level, int(subject_id), name, people, score, explained))

    fit = {"owner_fit": (owner_fit(program), "the owner's profile on the readiness page")}
    if reps.empty:
        add(Level.PROGRAM, program.pk, program.name, fit, 0)
        return rows
    whole = _aggregate(reps, None).to_dict("records")[0]
    add(Level.PROGRAM, program.pk, program.name, {**_values(whole), **fit}, int(whole["n"]))
    for level, key, name_col in (
        (Level.REGION, "region", "region_name"),
        (Level.TEAM, "team", "team_name"),
        (Level.MANAGER, "manager", "manager_name"),
        (Level.REP, None, "name"),
    ):
        if key is None:
            agg, names = _per_rep(reps), reps[name_col].to_dict()
        else:
            agg = _aggregate(reps, key)
            names = reps.dropna(subset=[key]).groupby(key)[name_col].first().to_dict()
        for subject_id, r in zip(agg.index.tolist(), agg.to_dict("records"), strict=True):
            values = _values(r)
            if key is None:  # a rep: what a value counts goes without saying, and costs bytes
                values = {k: (v, "") for k, (v, _basis) in values.items()}
            add(level, subject_id, str(names.get(subject_id, "")), values, int(r["n"]))
    return rows


def rows_insert(program: Program, day: dt.date, rows: list[Row]) -> None:
    """One executemany per 5,000 rows: for 100,000 rep rows, building model instances and
    Django's INSERT compiler cost more than the database does."""
    table = HealthDay._meta.db_table
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    sql = (
        f'INSERT INTO "{table}" (program_id, day, level, subject_id, name, people, score, '
        f"signals) VALUES (%s, %s, %s, %s, %s, %s, %s, %s{json_cast})"
    )
    when = connection.ops.adapt_datefield_value(day)
    params = [
        (program.pk, when, r.level, r.subject_id, r.name, r.people, r.score, json.dumps(r.signals))
        for r in rows
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(params), 5000):
            cursor.executemany(sql, params[i : i + 5000])
