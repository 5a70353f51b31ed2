"""Demo coaching history. The managers of North 1 (Dana Whitfield), North 3, Central 1 and
Central 2 coach steadily; the managers of North 2 and Central 3 stopped observing after
week 4, the pattern the seeds warn about; South is not trained yet, so nobody is due there.

COACHING_TEAMS is the demo's single truth about who coaches: the KPI generator
(metrics/demo.py) keeps the training effect for exactly these teams, and the analysis
derives its `coached` split from the observations written here."""

from __future__ import annotations

import datetime as dt

from sustain.coaching.models import (
    Channel,
    DevelopmentAction,
    Diagnosis,
    Observation,
    ObservationScore,
    RubricBehaviour,
)
from sustain.demo.context import DemoContext

COACHING_TEAMS = frozenset({"North 1", "North 3", "Central 1", "Central 2"})
STOPPED_AFTER_WEEK_4 = frozenset({"North 2", "Central 3"})

LEVELS = (
    "Does not do it, even when the call invites it.",
    "Does it sometimes or mechanically; the buyer notices the technique.",
    "Does it naturally on most calls, with the intended effect.",
    "Does it on every call and others learn from watching her.",
)

ACTIONS = {
    "knowledge": "Re-read the {c} card and explain it back to me in our 1:1",
    "skill": "Role-play {c} twice with a peer and record one",
    "will": "Pick one account where {c} would have changed the outcome; discuss why",
    "process": "Set up the CRM template for {c} and use it on three calls",
}
INSIDE = ["knowledge", "skill", "skill", "skill", "will", "process"]
OUTSIDE = [d.value for d in Diagnosis][4:]


def _behaviours(ctx: DemoContext) -> None:
    rows = []
    for concept in ctx.program.concepts.all():
        rows.append(
            RubricBehaviour(
                concept=concept,
                position=0,
                name=f"Applies {concept.name.lower()} on live calls",
                level_1=LEVELS[0],
                level_2=LEVELS[1],
                level_3=LEVELS[2],
                level_4=LEVELS[3],
            )
        )
    RubricBehaviour.objects.bulk_create(rows)


def _observation_weeks(team: str, trained_on: dt.date, today: dt.date) -> list[int]:
    total_weeks = (today - trained_on).days // 7
    if team in STOPPED_AFTER_WEEK_4:
        return [w for w in (1, 3) if w <= total_weeks]
    # Every two weeks for the first 13 weeks, then every three.
    weeks = [*range(1, 14, 2), *range(16, total_weeks + 1, 3)]
    return [w for w in weeks if w <= total_weeks]


def build(ctx: DemoContext) -> None:
    _behaviours(ctx)
    rng = ctx.rng
    concepts = list(ctx.program.concepts.all())
    trained = {e.person_id: e.trained_on for e in ctx.program.enrollments.all()}
    observations: list[Observation] = []
    plan: list[tuple[int, list[tuple[int, int]], str]] = []  # per observation: scores, diag
    for team_index, (team, manager) in enumerate(zip(ctx.teams, ctx.managers, strict=True)):
        if team.name not in COACHING_TEAMS | STOPPED_AFTER_WEEK_4:
            continue
        reps = [r for r in ctx.reps if r.team_id == team.pk and trained.get(r.pk)]
        for rep_index, rep in enumerate(reps):
            trained_on = trained[rep.pk]
            assert trained_on is not None  # reps without a workshop were left out above
            base = rng.choice([1.6, 2.0, 2.3])
            weeks = _observation_weeks(team.name, trained_on, ctx.today)
            if team_index == 0 and rep_index == len(reps) - 1:
                # Even Dana has one rep slipping: she tops her home page, overdue.
                weeks = weeks[:-2]
            for n, week in enumerate(weeks):
                date = min(ctx.today, trained_on + dt.timedelta(weeks=week, days=rng.randint(0, 1)))
                # Steadily coached reps improve; the concept of the phase is scored.
                level = min(4, round(base + 0.18 * n + rng.uniform(-0.4, 0.4)))
                phase = concepts[min(len(concepts) - 1, week // 3)]
                scores = [(phase.pk, max(1, level))]
                if week > 3:
                    earlier = concepts[min(len(concepts) - 1, week // 3) - 1]
                    scores.append((earlier.pk, max(1, min(4, level + rng.choice([0, 1])))))
                diagnosis = rng.choice(OUTSIDE) if rng.random() < 0.1 else rng.choice(INSIDE)
                observations.append(
                    Observation(
                        organization=ctx.org,
                        program=ctx.program,
                        rep=rep,
                        observer=manager,
                        date=date,
                        channel=rng.choice(list(Channel.values)),
                        diagnosis=diagnosis,
                        summary=f"Worked on {phase.name.lower()}.",
                        private_note=(
                            "Check workload before pushing harder." if diagnosis == "will" else ""
                        ),
                    )
                )
                plan.append((len(observations) - 1, scores, diagnosis))
    Observation.objects.bulk_create(observations)
    names = {c.pk: c.name.lower() for c in concepts}
    scores_rows, action_rows = [], []
    for index, scores, diagnosis in plan:
        obs = observations[index]
        for concept_id, score in scores:
            scores_rows.append(
                ObservationScore(
                    observation=obs,
                    concept_id=concept_id,
                    score=score,
                    evidence=rng.choice(
                        [
                            "Asked two impact questions.",
                            "Pitched before the need was clear.",
                            "Summarized back the buyer's goal.",
                            "Set a dated next step.",
                        ]
                    ),
                )
            )
        if diagnosis in ACTIONS:
            due = obs.date + dt.timedelta(days=14)
            action_rows.append(
                DevelopmentAction(
                    observation=obs,
                    text=ACTIONS[diagnosis].format(c=names[scores[0][0]]),
                    due=due,
                    done_on=due - dt.timedelta(days=2)
                    if due < ctx.today - dt.timedelta(days=7)
                    else None,
                )
            )
    ObservationScore.objects.bulk_create(scores_rows)
    DevelopmentAction.objects.bulk_create(action_rows)
