"""Demo calls: every trained rep has a call every two weeks or so since her workshop, as
WebVTT-like turns with a buyer. Reps of teams whose managers coach (coaching/demo.py) use
more of the concepts as weeks pass; the others start well and fade. Some calls carry hard
negatives: the buyer saying the words, or the rep naming a technique without doing it.
Dana Whitfield's team has manager labels, so calibration shows real figures."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sustain.adoption import detectors, selectors
from sustain.adoption.models import Call, CallStatus, Detection, Label
from sustain.coaching.demo import COACHING_TEAMS
from sustain.demo.context import DemoContext
from sustain.programs.models import Concept

# Rep turns that use each demo concept (in CONCEPTS order of demo/core.py).
USES = [
    [
        "Before this call I read your annual report; my objective today is to agree on a pilot scope.",
        "I prepared an account brief: you opened two new warehouses, so my goal is to learn how ordering works there.",
    ],
    [
        "What is the biggest problem your team faces with stock-outs today, and what does it cost you?",
        "Tell me how you handle returns now. What happens when a shipment is late?",
        "Why is this a priority this quarter? What would you need to see change?",
    ],
    [
        "So if I heard you right, the real issue is the manual re-keying, not the price. Did I get that right?",
        "Let me summarize back what you said: three planners, two systems, and nobody trusts the forecast. Correct?",
    ],
    [
        "Because you want faster closes, our reconciliation cuts month-end by four days; Acme saw exactly that.",
        "For your goal of fewer stock-outs, our forecasting gives you a proof point: a customer cut them by a third.",
    ],
    [
        "I hear you on price. Apart from the budget, is anything else in the way?",
        "That's a fair concern about rollout time. What's behind it? Was it the last project?",
    ],
    [
        "Can we book thirty minutes on Thursday with your CFO to agree on the pilot? I'll send the invite.",
        "Let's put the trial kickoff on the calendar for the 14th. Does that work for you?",
    ],
]
NAMES = [
    "We covered pre-call planning in the workshop, so I made an account brief, ha.",
    "Our trainer says discovery questioning is everything, anyway.",
    "In training they taught us active listening and the talk ratio.",
    "There's a module on the value proposition and proof points, but let me show the product.",
    "We learned to cushion and isolate objections, it was a fun session.",
    "Gaining commitment was the last module of the course.",
]
FILLER = [
    "Thanks for taking the time today.",
    "Let me share my screen and walk you through the dashboard.",
    "Our platform integrates with your ERP out of the box.",
    "We have customers in retail, logistics and manufacturing.",
    "Here is the pricing for the standard tier.",
    "Sorry, you broke up for a second there.",
]
BUYER = [
    "We have about half an hour.",
    "Our forecasts are off most months.",
    "Price will be a concern for us.",
    "I'd need to check with my boss.",
    "Interesting. Go on.",
]


def _turns(rng: random.Random, uses: list[int]) -> list[list[Any]]:
    said: list[tuple[str, bool]] = [(rng.choice(USES[k]), True) for k in uses]
    said += [(rng.choice(FILLER), True) for _ in range(4)]
    said += [(rng.choice(BUYER), False) for _ in range(5)]
    if rng.random() < 0.3:  # the buyer says a concept's words
        said.append((rng.choice(rng.choice(USES)), False))
    if rng.random() < 0.2:  # the rep names a technique without doing it
        said.append((rng.choice(NAMES), True))
    rng.shuffle(said)
    return [
        [f"00:{n * 2 // 60:02d}:{n * 2 % 60:02d}", "Rep" if rep else "Buyer", text, rep]
        for n, (text, rep) in enumerate(said)
    ]


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    concepts = list(ctx.program.concepts.all())
    trained = selectors.trained_on(ctx.program)
    teams = {t.pk: t.name for t in ctx.teams}
    calls: list[Call] = []
    truth: list[list[int]] = []
    for rep in ctx.reps:
        start = trained.get(rep.pk)
        if start is None:
            continue
        coached = rep.team_id is not None and teams.get(rep.team_id) in COACHING_TEAMS
        day = start + dt.timedelta(days=rng.randint(3, 10))
        while day <= ctx.today:
            week = (day - start).days // 7
            # Uptake rises with coaching and fades without it (the seeds' pattern).
            p = min(0.75, 0.3 + 0.03 * week) if coached else max(0.1, 0.45 - 0.03 * week)
            uses = [k for k in range(len(concepts)) if rng.random() < p]
            turns = _turns(rng, uses)
            for t in turns:
                t[1] = rep.name if t[3] else "Buyer"
            calls.append(
                Call(
                    organization=ctx.org,
                    program=ctx.program,
                    rep=rep,
                    date=day,
                    filename=f"{day.isoformat()}-{rep.name.lower().replace(' ', '-')}.vtt",
                    rep_speaker=rep.name,
                    transcript=turns,
                    rep_turns=sum(t[3] for t in turns),
                    status=CallStatus.DONE,
                )
            )
            truth.append(uses)
            day += dt.timedelta(days=rng.randint(12, 20))
    Call.objects.bulk_create(calls)
    _label(ctx, calls, truth, concepts)
    _score(ctx, calls, concepts)


def _label(
    ctx: DemoContext, calls: list[Call], truth: list[list[int]], concepts: list[Concept]
) -> None:
    """Dana's team: she labelled the concepts of a dozen calls."""
    team = ctx.teams[0]
    labels = []
    picked = [(c, uses) for c, uses in zip(calls, truth, strict=True) if c.rep.team_id == team.pk]
    for call, uses in picked[:14]:
        for k, concept in enumerate(concepts):
            labels.append(
                Label(call=call, concept=concept, used=k in uses, labeled_by=ctx.managers[0])
            )
    Label.objects.bulk_create(labels)


def _score(ctx: DemoContext, calls: list[Call], concepts: list[Concept]) -> None:
    # As in use: the labelled calls were first scored with the program's text alone; then
    # everything is scored with what their labels taught (thresholds, confirmed turns).
    labelled = {lab.call_id for lab in Label.objects.filter(call__program=ctx.program)}
    _write(ctx, [c for c in calls if c.pk in labelled])
    Detection.objects.filter(call__program=ctx.program).delete()
    _write(ctx, calls)


def _write(ctx: DemoContext, calls: list[Call]) -> None:
    # The configured detector, as the worker would (the semantic one unless it is unavailable).
    detector = detectors.current()
    profiles = detector.build_profiles(selectors.concept_texts(ctx.program, detector))
    rows = []
    for call in calls:
        assert call.transcript is not None  # the demo writes every call's transcript
        turns = [(t[0], t[2]) for t in call.transcript if t[3]]
        for d in detector.detect(profiles, turns):
            rows.append(
                Detection(
                    call=call,
                    concept_id=d.key,
                    used=d.used,
                    score=d.score,
                    evidence=[{"start": s, "text": t} for s, t, _ in d.evidence],
                    best_turn=d.best_turn if not d.used else "",
                    detector=detector.name,
                )
            )
    Detection.objects.bulk_create(rows, batch_size=2000)
