"""The evidence the analysis reads from the other apps, registered from AnalysisConfig.ready():

- the `coached` attribute (coaching.selectors.coached_labels: on time with the program's
  coaching cadence on most days of the first 90 after the workshop), which shadows any
  stored RepAttribute of that name;
- Kirkpatrick level 2 (learning): refresher retention and manager certification;
- Kirkpatrick level 3 (behaviour): the rubric-score trend of coaching observations and the
  reps' own weekly check-in ratings.

Each provider returns None when its app has measured nothing yet, so the page says
"not measured yet" instead of a zero."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count
from django.utils import timezone

from sustain.analysis.attributes import register_attribute
from sustain.analysis.selectors import KIRKPATRICK_PROVIDERS, register_kirkpatrick
from sustain.orgs.models import Organization, Person, Role
from sustain.programs.models import Program

# Each item may say how many distinct people stand behind it ("people"): the Kirkpatrick
# summary withholds it below the organization's minimum group size (orgs/privacy.py).
Items = list[dict[str, object]] | None


def coached(org: Organization, on: dt.date) -> dict[int, str]:
    from sustain.coaching.selectors import coached_labels

    return coached_labels(reps=Person.objects.filter(organization=org, role=Role.REP), as_of=on)


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def refresher_retention(program: Program) -> Items:
    from sustain.refreshers.selectors import retention_summary

    summary = retention_summary(program=program, now=timezone.now())
    if summary is None:
        return None
    items = [
        {
            "label": "Refresher answers correct",
            "value": f"{_pct(summary['correct'])} of {summary['answers']:,}",
            "people": summary["people"],
        }
    ]
    if summary["recent_correct"] is not None:
        items.append(
            {
                "label": "Refresher answers correct, last 30 days",
                "value": f"{_pct(summary['recent_correct'])} of {summary['recent_answers']:,}",
                "people": summary["recent_people"],
            }
        )
    if summary["retrievability"] is not None:
        items.append(
            {
                "label": "Predicted recall today (FSRS retrievability)",
                "value": f"{_pct(summary['retrievability'])} over {summary['cards']:,} cards",
                "people": summary["card_people"],
            }
        )
    return items


def manager_certification(program: Program) -> Items:
    from sustain.certification.selectors import (
        CERTIFIED,
        NOT_STARTED,
        certification_rows,
        program_managers,
    )

    rows = certification_rows(
        program=program, managers=program_managers(program), today=timezone.localdate()
    )
    if all(r["status"] == NOT_STARTED for r in rows):  # nobody assessed: nothing measured
        return None
    certified = sum(r["status"] == CERTIFIED for r in rows)
    return [
        {
            "label": "Managers certified as coaches",
            "value": f"{certified} of {len(rows)} ({_pct(certified / len(rows))})",
            "people": len(rows),
        }
    ]


def rubric_trend(program: Program) -> Items:
    from sustain.coaching.selectors import score_trend

    trend = score_trend(program=program)
    if trend is None:
        return None
    items = []
    if trend["early"] is not None:
        items.append(
            {
                "label": "Average rubric score, first 30 days after the workshop",
                "value": f"{trend['early']:.2f} / 4 ({trend['early_n']} scores)",
                "people": trend["early_people"],
            }
        )
    change = f", {trend['recent'] - trend['early']:+.2f}" if trend["early"] is not None else ""
    items.append(
        {
            "label": f"Average rubric score, 30 days to {trend['latest_day']}",
            "value": f"{trend['recent']:.2f} / 4 ({trend['recent_n']} scores{change})",
            "people": trend["recent_people"],
        }
    )
    return items


def check_in_ratings(program: Program) -> Items:
    from sustain.plans.models import CheckIn

    agg = CheckIn.objects.filter(plan__program=program).aggregate(
        avg=Avg("rating"), n=Count("id"), people=Count("plan__rep", distinct=True)
    )
    if not agg["n"]:
        return None
    return [
        {
            "label": "Reps' own rating of applying it (weekly check-ins)",
            "value": f"{agg['avg']:.1f} / 5 ({agg['n']:,} check-ins)",
            "people": agg["people"],
        }
    ]


def register() -> None:
    register_attribute("coached", "Coached (cadence met in the first 90 days)", coached)
    for level, provider in (
        (2, refresher_retention),
        (2, manager_certification),
        (3, rubric_trend),
        (3, check_in_ratings),
    ):
        if provider not in KIRKPATRICK_PROVIDERS[level]:  # ready() may run twice
            register_kirkpatrick(level, provider)
