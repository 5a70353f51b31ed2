"""Every page of the site, as URLs into the demo organization: the URLconf walked, each
path parameter filled with one of the demo's objects. Used by the query-count test (each
page a role opens costs the same number of queries at two sizes) and by
benchmarks/pages (each page timed at 1,000 and 100,000 reps)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Model, QuerySet
from django.urls import URLPattern, URLResolver, get_resolver

from sustain.demo.context import DemoContext

# Not pages a person reads: sign-in machinery, downloads, the API, Django's admin.
SKIPPED_PREFIXES = ("api/", "admin/", "static/", "__", "login/", "logout/", "password/", "sso/")
SKIPPED_SUFFIXES = (".csv", ".pdf", "download/")


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _first(qs: QuerySet[Model]) -> int | None:
    return qs.order_by("pk").values_list("pk", flat=True).first()


def _values(ctx: DemoContext) -> dict[str, object]:
    """One object of the demo for each path parameter, preferring the printed logins'."""
    from sustain.adoption.models import Call
    from sustain.analysis.models import AnalysisRun
    from sustain.certification.models import DiagnosisCase
    from sustain.coaching.models import DevelopmentAction, Observation
    from sustain.health.models import Alert
    from sustain.metrics.models import ImportJob, KpiDefinition
    from sustain.notify.models import OutboxMessage
    from sustain.orgs.models import ApiToken
    from sustain.plans.models import Plan
    from sustain.readiness.models import Goal, Touch
    from sustain.refreshers.models import Question

    program, rep, manager = ctx.program, ctx.logins["rep"], ctx.logins["manager"]
    revenue = KpiDefinition.objects.filter(organization=ctx.org, key="revenue")
    return {
        "program_id": program.pk,
        "person_id": rep.pk,
        "rep_id": rep.pk,
        "manager_id": manager.pk,
        "team_id": rep.team_id,
        "region_id": rep.region_id,
        "concept_id": _first(program.concepts.all()),
        "enrollment_id": _first(program.enrollments.filter(person=rep)),
        "goal_id": _first(Goal.objects.filter(program=program)),
        "touch_id": _first(Touch.objects.filter(program=program)),
        "plan_id": _first(Plan.objects.filter(program=program, rep=rep)),
        "observation_id": _first(Observation.objects.filter(program=program, rep=rep)),
        "action_id": _first(DevelopmentAction.objects.filter(observation__rep=rep)),
        "case_id": _first(DiagnosisCase.objects.filter(program=program)),
        "question_id": _first(Question.objects.filter(concept__program=program)),
        "kpi_id": _first(revenue),
        "run_id": _first(AnalysisRun.objects.filter(program=program, kpi__in=revenue)),
        "job_id": _first(ImportJob.objects.filter(organization=ctx.org)),
        "call_id": _first(Call.objects.filter(program=program)),
        "alert_id": _first(Alert.objects.filter(program=program)),
        "message_id": _first(OutboxMessage.objects.filter(organization=ctx.org)),
        "token_id": _first(ApiToken.objects.filter(person__organization=ctx.org)),
        "role": "rep",
        "source": "salesforce",
    }


def page_urls(ctx: DemoContext) -> list[str]:
    """Every GET-able page of the demo organization, sorted. A route whose parameter has no
    object in the demo is left out."""
    values = _values(ctx)
    urls = set()
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or route.endswith(SKIPPED_SUFFIXES):
            continue
        url, ok = route, True
        while "<" in url:
            start, end = url.index("<"), url.index(">")
            name = url[start + 1 : end].split(":")[-1]
            value = values.get(name)
            if value is None:
                ok = False
                break
            url = url[:start] + str(value) + url[end + 1 :]
        if ok:
            urls.add("/" + url)
    return sorted(urls)
