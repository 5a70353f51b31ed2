"""The demo tells one story: the teams that coach (per their observations) keep the
training effect on revenue, the teams that stopped see it fade."""

from __future__ import annotations

from sustain.analysis.attributes import attribute_values
from sustain.analysis.models import AnalysisRun, KirkpatrickSummary
from sustain.analysis.selectors import kirkpatrick
from sustain.coaching.demo import COACHING_TEAMS
from sustain.demo.context import DemoContext


def test_it_derives_coached_from_the_demo_observations_and_splits_the_run(
    demo: DemoContext,
) -> None:
    ctx = demo
    labels = attribute_values(ctx.org, "coached", ctx.today)
    trained = dict(ctx.program.enrollments.values_list("person_id", "trained_on"))
    team_names = {t.pk: t.name for t in ctx.teams}
    for rep in ctx.reps:
        assert rep.team_id is not None
        expected = (
            "not trained"
            if trained.get(rep.pk) is None
            else "yes"
            if team_names[rep.team_id] in COACHING_TEAMS
            else "no"
        )
        assert labels[rep.pk] == expected, (rep.name, team_names[rep.team_id])

    run = AnalysisRun.objects.get(program=ctx.program, by="coached")
    assert run.status == "done", run.message
    assert run.result is not None
    by = run.result["by"]
    assert set(by) == {"yes", "no"}

    def late(value: str) -> float:  # average effect 17+ weeks after the workshop
        rows = [e["att"] for e in by[value]["event_study"] if e["e"] >= 17]
        return float(sum(rows) / len(rows))

    revenue = run.result["overall"]["att"]
    assert revenue > 0
    # Coached reps keep about 15% of ~20k a week; the others' lift is gone (noise only).
    assert late("yes") > 1500
    assert abs(late("no")) < late("yes") / 2

    summary = KirkpatrickSummary.objects.get(program=ctx.program)  # computed by the demo
    levels = {
        row["level"]: row["items"]
        for row in kirkpatrick(program=ctx.program, run=run, summary=summary)
    }
    assert levels[2] and levels[3] and levels[4]


def test_the_demo_run_shows_its_sensitivity_to_pre_trends(demo: DemoContext) -> None:
    from sustain.analysis.selectors import sensitivity_summary

    run = AnalysisRun.objects.get(program=demo.program, by="coached")
    assert run.base_period == "universal"
    assert run.result is not None
    sens = run.result["sensitivity"]
    assert sens["type"] == "rm" and len(sens["rows"]) == 5
    summary = sensitivity_summary(result=run.result, period_days=7)
    assert summary is not None
    words = summary["words"]
    assert words.startswith("The average effect over the first 6 weeks after training")
