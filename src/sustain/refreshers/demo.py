"""Demo refreshers: a question bank for the six concepts, and each trained participant's
history simulated with the FSRS scheduler itself. Whether she recalls is drawn from the
card's retrievability (the forgetting curve), and she answers a due card on the day with
her own engagement rate, later otherwise: retention falls between reviews and recovers
with practice. The printed rep has at least one refresher due on the day of the demo."""

from __future__ import annotations

import datetime as dt
import random

from fsrs import Rating

from sustain.demo.context import DemoContext
from sustain.refreshers import services
from sustain.refreshers.models import Card, Question, Review

QUESTIONS: dict[int, list[tuple[str, str, list[str], str, str]]] = {
    0: [
        (
            "choice",
            "What is a call objective?",
            [
                "The commitment you want from the buyer by the end of the call",
                "The product you plan to present",
                "The discount you can offer",
            ],
            "The commitment you want from the buyer by the end of the call",
            "An objective is a buyer action, so you can tell whether the call worked.",
        ),
        (
            "scenario",
            "You have ten minutes before a first call with a new account. What first?",
            [
                "Write one line: what the buyer should agree to at the end",
                "Rehearse the full product demo",
                "Look up the buyer's holiday photos",
            ],
            "Write one line: what the buyer should agree to at the end",
            "A clear objective shapes every question you ask in the call.",
        ),
        (
            "choice",
            "What belongs in an account brief?",
            [
                "What you know and what you still need to learn",
                "Only the contract value",
                "The competitor's price list",
            ],
            "What you know and what you still need to learn",
            "The gaps become your discovery questions.",
        ),
    ],
    1: [
        (
            "choice",
            "Which is an open question?",
            [
                "What happens when an order ships late?",
                "Do you ship late orders?",
                "Is delivery important to you?",
            ],
            "What happens when an order ships late?",
            "Open questions cannot be answered with yes or no.",
        ),
        (
            "choice",
            "What does an impact question ask?",
            ["What the problem costs the buyer", "The buyer's budget", "Who signs the contract"],
            "What the problem costs the buyer",
            "Impact questions put a number on the problem, in the buyer's own words.",
        ),
        (
            "scenario",
            "The buyer asks for a price in the first two minutes. Best move?",
            [
                "Ask what they want to achieve before quoting",
                "Quote the list price",
                "Offer a discount to keep them interested",
            ],
            "Ask what they want to achieve before quoting",
            "Without the problem, a price is just a number to compare.",
        ),
    ],
    2: [
        (
            "choice",
            "What is a summarize-back?",
            [
                "Restating the buyer's need in their words and checking it",
                "Summarizing your product's features",
                "Sending minutes after the call",
            ],
            "Restating the buyer's need in their words and checking it",
            "It shows you listened and catches misunderstandings early.",
        ),
        (
            "choice",
            "A healthy talk ratio for the rep is…",
            ["Under 45%", "About 70%", "As close to 100% as possible"],
            "Under 45%",
            "The buyer should do most of the talking in discovery.",
        ),
        (
            "scenario",
            "The buyer pauses after describing a problem. You…",
            [
                "Wait, then summarize what you heard",
                "Start the demo right away",
                "Change the subject to pricing",
            ],
            "Wait, then summarize what you heard",
            "Silence invites more; the summary confirms you understood.",
        ),
    ],
    3: [
        (
            "choice",
            "A value statement combines…",
            [
                "Outcome, evidence and differentiator",
                "Features and price",
                "Company history and awards",
            ],
            "Outcome, evidence and differentiator",
            "Lead with the buyer's outcome, back it, and say why you.",
        ),
        (
            "choice",
            "What makes a proof point credible?",
            [
                "A measured result at a similar customer",
                "An adjective like 'best-in-class'",
                "A long feature list",
            ],
            "A measured result at a similar customer",
            "Buyers trust peers' numbers more than claims.",
        ),
        (
            "scenario",
            "The buyer said late deliveries cost them a client. Your pitch opens with…",
            [
                "How on-time delivery protects their clients",
                "Your warehouse square footage",
                "Your newest product line",
            ],
            "How on-time delivery protects their clients",
            "Tie the capability to the outcome they named.",
        ),
    ],
    4: [
        (
            "choice",
            "What is a cushion?",
            [
                "Acknowledging the concern without agreeing or arguing",
                "A discount",
                "Changing the subject",
            ],
            "Acknowledging the concern without agreeing or arguing",
            "It lowers the temperature so you can ask about the concern.",
        ),
        (
            "choice",
            "Why isolate an objection?",
            [
                "To check it is the only thing in the way",
                "To end the call faster",
                "To escalate to your manager",
            ],
            "To check it is the only thing in the way",
            "Solving one objection is pointless if three more are waiting.",
        ),
        (
            "scenario",
            "'Your price is too high.' First response?",
            ["“I understand. Compared to what?”", "“I can do 15% off.”", "“Our price is fair.”"],
            "“I understand. Compared to what?”",
            "Cushion, then ask: the objection is a request for information.",
        ),
    ],
    5: [
        (
            "choice",
            "What is a next step?",
            [
                "A dated action both sides agreed to",
                "A follow-up email",
                "A hope that they call back",
            ],
            "A dated action both sides agreed to",
            "Without a date and agreement it is not a step.",
        ),
        (
            "choice",
            "A trial close…",
            [
                "Tests readiness without asking for the order",
                "Asks for the signature",
                "Offers a free trial",
            ],
            "Tests readiness without asking for the order",
            "It tells you what is left to resolve.",
        ),
        (
            "scenario",
            "The call went well and time is nearly up. You…",
            [
                "Propose a dated next step and confirm it",
                "Thank them and hang up",
                "Promise to send something",
            ],
            "Propose a dated next step and confirm it",
            "Ask for a clear next step on every call.",
        ),
    ],
}


def stored_choices(prompt: str, choices: list[str]) -> list[str]:
    """The bank above lists the right choice first for readability; stored, it takes a
    place drawn from the prompt (the same on every build), so no position gives it away."""
    order = list(choices)
    random.Random(prompt).shuffle(order)
    return order


def build(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    concepts = list(ctx.program.concepts.all())
    Question.objects.bulk_create(
        [
            Question(
                concept=concepts[i],
                kind=kind,
                prompt=prompt,
                choices=stored_choices(prompt, choices),
                answer=answer,
                explanation=explanation,
            )
            for i, rows in QUESTIONS.items()
            for kind, prompt, choices, answer, explanation in rows
        ]
    )
    services.cards_sync(program=ctx.program)
    cards = list(
        Card.objects.filter(question__concept__program=ctx.program)
        .select_related("question", "person")
        .order_by("person_id", "question_id")
    )
    engagement: dict[int, float] = {}
    reviews: list[Review] = []
    end = services.day_start(today)  # history up to this morning; today's cards stay due
    scheduler = services.scheduler_for(ctx.program.pk)
    for card in cards:
        rate = engagement.setdefault(card.person_id, rng.choice([0.95, 0.85, 0.7, 0.5, 0.3]))
        fsrs_card = services.to_fsrs(card)
        when = fsrs_card.due
        while when < end:
            if rng.random() > rate:
                when += dt.timedelta(days=rng.randint(1, 6))
                continue
            at = when + dt.timedelta(hours=rng.randint(8, 18))
            if at >= end:
                break
            p = services.SCHEDULER.get_card_retrievability(fsrs_card, at)
            p = 0.7 if fsrs_card.last_review is None else p
            rating = Rating.Good if rng.random() < p else Rating.Again
            fsrs_card, _ = scheduler.review_card(fsrs_card, rating, at)
            card.reviews += 1
            card.lapses += rating == Rating.Again and card.reviews > 1
            reviews.append(
                Review(
                    card=card,
                    person_id=card.person_id,
                    concept_id=card.question.concept_id,
                    team_id=card.person.team_id,
                    correct=rating == Rating.Good,
                    rating=int(rating),
                    answer=card.question.answer
                    if rating == Rating.Good
                    else card.question.choices[
                        -1 if card.question.choices[-1] != card.question.answer else 0
                    ],
                    reviewed_at=at,
                    next_due=fsrs_card.due,
                )
            )
            when = fsrs_card.due
        card.state, card.step = int(fsrs_card.state), fsrs_card.step
        card.stability, card.difficulty = fsrs_card.stability, fsrs_card.difficulty
        card.due, card.last_review = fsrs_card.due, fsrs_card.last_review
    riley = [c for c in cards if c.person_id == ctx.logins["rep"].pk]
    if riley and not any(c.due < services.due_cutoff(today) for c in riley):
        min(riley, key=lambda c: c.due).due = end + dt.timedelta(hours=7)
    Card.objects.bulk_update(
        cards,
        ["state", "step", "stability", "difficulty", "due", "last_review", "reviews", "lapses"],
        batch_size=2000,
    )
    Review.objects.bulk_create(reviews, batch_size=2000)
