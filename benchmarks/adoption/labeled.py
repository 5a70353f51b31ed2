"""The labeled set: a four-concept program as Sustain knows it (names, descriptions,
glossary, rubric behaviours), and rep turns written by hand with varied wording that do
or do not use each concept. Hard negatives: the buyer saying the words, and the rep naming
a technique without doing it. `calls(seed)` assembles them into labeled calls."""

from __future__ import annotations

import random

PROGRAM = [
    {
        "name": "Discovery questions",
        "description": "Ask open questions about the buyer's situation, challenges and goals "
        "before presenting anything; listen more than talk.",
        "terms": [
            "Open question. A question that cannot be answered yes or no: what, how, why, tell me.",
            "Pain. The problem the buyer feels, in the buyer's own words.",
        ],
        "behaviours": [
            "Asks about the buyer's biggest challenge. Asks open questions about the current "
            "situation and what is not working. Explores goals and priorities before pitching.",
        ],
    },
    {
        "name": "Quantify the impact",
        "description": "Put a number on the cost of the problem: hours, money, deals lost, "
        "so the buyer sees what doing nothing costs.",
        "terms": [
            "Cost of inaction. What the problem costs each month or year if nothing changes.",
            "Business impact. Revenue, cost or time affected by the problem, in figures.",
        ],
        "behaviours": [
            "Asks how much the problem costs. Works out with the buyer the hours, dollars or "
            "percentage lost per week, month or year.",
        ],
    },
    {
        "name": "Handle objections",
        "description": "Acknowledge a concern, ask what is behind it, and answer the real "
        "issue instead of arguing or discounting.",
        "terms": [
            "Acknowledge. Say back the concern so the buyer feels heard before answering.",
            "Isolate. Check whether this is the only concern standing in the way.",
        ],
        "behaviours": [
            "Acknowledges the concern, asks what is behind it, and checks if it is the only "
            "thing in the way before responding.",
        ],
    },
    {
        "name": "Secure a next step",
        "description": "End every call with a concrete, dated next step the buyer agrees to: "
        "a meeting, a trial, a proposal review, a signature.",
        "terms": [
            "Next step. A specific action with a date and owner that moves the deal forward.",
            "Calendar commitment. The next meeting booked on the buyer's calendar before hanging up.",
        ],
        "behaviours": [
            "Proposes a specific next step with a date and gets the buyer to agree, booking "
            "the meeting or trial on the call.",
        ],
    },
]

# Rep turns that do use the concept, in varied wording (few share the program's words).
POSITIVE = [
    [
        "Before I show you anything, what's the biggest headache your team has with forecasting today?",
        "Walk me through how your reps build a quote right now. Where does it break down?",
        "Tell me about what prompted you to take this call.",
        "How are you handling onboarding at the moment, and what would you change if you could?",
        "What does a good quarter look like for you, and what gets in the way of it?",
        "Why is this a priority now rather than next year?",
        "Help me understand who else is affected when the renewals slip.",
        "What have you tried so far to fix the handoff between marketing and sales?",
        "I'd love to hear how your managers currently coach their people. What's working?",
        "When the data is wrong, what happens downstream for your finance team?",
        "What would need to be true for this project to be a success in your eyes?",
        "So what's not working with the current vendor, in your own words?",
    ],
    [
        "Roughly how many hours a week does your team lose to fixing those reports?",
        "If each rep spends five hours on it, that's about two hundred hours a month across forty reps, right?",
        "What does one lost deal of that size cost you, about eighty thousand?",
        "So at fifteen percent churn on a four million base, that's six hundred thousand a year walking out.",
        "Can we put a dollar figure on what the delay costs you each quarter?",
        "How many renewals slipped last year because of it, and what were they worth?",
        "If nothing changes, what does that cost you over the next twelve months?",
        "Let's do the math together: three days of ramp lost per hire, times sixty hires.",
        "What percentage of pipeline is stuck at that stage, would you say?",
        "In money terms, how big is the gap between forecast and actual?",
    ],
    [
        "I hear you, price matters. Can I ask what you're comparing it to?",
        "That's a fair concern. What's behind the worry about implementation time?",
        "Makes sense you'd be cautious after the last rollout. Apart from timing, is anything else holding you back?",
        "I understand security is a big deal for you. What specifically does your team need to see?",
        "Totally fair. If we could solve the integration question, would that be the only thing in the way?",
        "You're right to ask about that. What happened with the previous tool that makes you hesitant?",
        "I appreciate you being straight with me about budget. Is it the total or the timing of the spend?",
        "Got it, you're worried the reps won't adopt it. Tell me more about what you've seen before.",
        "That's a reasonable objection. Let me make sure I understand: is it the contract length?",
        "Understood. So if the price worked, is there anything else that would stop you?",
    ],
    [
        "Can we put thirty minutes on the calendar for Thursday at two to walk your CFO through it?",
        "Let's get the trial set up by Monday; I'll send the invite now, does nine work?",
        "How about we book the technical review for next Wednesday with your IT lead?",
        "I'll send the proposal tonight; can we review it together Friday morning?",
        "Shall I send a calendar hold for the twelfth so we can sign off on the pilot scope?",
        "Great, so you'll loop in legal and we meet again on the third to finalise. Agreed?",
        "Before we hang up, let's lock in a date for the demo with your team. Tuesday?",
        "I'm sending the order form now; can you get the signature back by end of month?",
        "Let's schedule the kickoff for the first week of March, does the fourth suit you?",
        "Can I book you and your ops lead for a forty-five minute workshop next week?",
    ],
]

# The rep names the technique (or its words) without doing it.
NAMING = [
    [
        "We learned discovery questions in the workshop last month, really useful framework.",
        "My manager keeps telling me to ask more discovery questions, ha.",
    ],
    [
        "In training they told us to quantify the impact, but let's skip that today.",
        "The course was all about cost of inaction and business impact, anyway.",
    ],
    [
        "We did a whole module on handling objections, so feel free to throw some at me.",
        "The trainer said to acknowledge and isolate objections, funny acronym.",
    ],
    [
        "They taught us to always secure a next step, it's on a slide somewhere.",
        "Next steps are something our certification covers a lot.",
    ],
]

# Rep turns that use no concept.
FILLER = [
    "Thanks for making the time today, I know it's a busy week.",
    "Our platform has over fifty integrations and a native mobile app.",
    "We were founded in 2012 and have offices in Boston and Dublin.",
    "The dashboard shows everything in one place, let me share my screen.",
    "Our customers love the reporting module, it's very flexible.",
    "Sorry, you cut out for a second there.",
    "Here's the pricing sheet, the standard tier is per seat.",
    "We also have a partner program for resellers.",
    "I'll send over the case study from the logistics customer.",
    "It runs in the cloud, so there's nothing to install.",
    "The weather has been terrible here all week.",
    "Let me show you the admin settings next.",
]

BUYER = [
    "Sure, we have about thirty minutes.",
    "Honestly the numbers are never right.",
    "We're using a spreadsheet at the moment.",
    "Price is going to be a concern for us.",
    "I need to check with my boss.",
    "That sounds interesting, go on.",
]


def concept_texts() -> list[dict]:
    return PROGRAM


def calls(seed: int = 7, n: int = 240, part: int | None = None) -> list[dict]:
    """Labeled calls: each has rep and buyer turns and, per concept, whether the rep used it.
    About half the calls use each concept; a quarter carry a hard negative for it (the buyer
    saying a positive line, or the rep naming the technique). `part` 0 or 1 draws from the
    even or odd half of each list, so labels learned on one half are tested on unseen
    wording."""
    rng = random.Random(seed)

    def pick(items: list[str]) -> str:
        pool = items if part is None else items[part::2]
        return rng.choice(pool)

    out = []
    for i in range(n):
        turns: list[tuple[str, bool]] = []  # (text, is_rep)
        labels = []
        for k in range(len(PROGRAM)):
            used = rng.random() < 0.5
            labels.append(used)
            if used:
                turns.append((pick(POSITIVE[k]), True))
            elif rng.random() < 0.5:
                if rng.random() < 0.5:
                    turns.append((pick(POSITIVE[k]), False))  # the buyer says it
                else:
                    turns.append((pick(NAMING[k]), True))  # the rep names it
        turns += [(pick(FILLER), True) for _ in range(4)]
        turns += [(rng.choice(BUYER), False) for _ in range(4)]
        rng.shuffle(turns)
        out.append({"id": i, "turns": turns, "labels": labels})
    return out
