"""The access rules as a matrix: role by object kind by read/write, for pages and the API.
Each row is what a person in that role gets; an outsider always gets 404."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import Api, Cast, Login
from tests.helpers import matrix_cases

# Object kinds and how to reach them: (API path, page path), built from the cast.
OBJECTS: dict[str, Callable[[Cast], tuple[str, str | None]]] = {
    "person": lambda c: (f"/people/{c.rep.pk}", f"/people/{c.rep.pk}/"),
    "team": lambda c: (f"/teams/{c.team.pk}", f"/teams/{c.team.pk}/"),
    "program": lambda c: (f"/programs/{c.program.pk}", f"/programs/{c.program.pk}/"),
    "concepts": lambda c: (f"/programs/{c.program.pk}/concepts", f"/programs/{c.program.pk}/"),
    "enrollments": lambda c: (f"/programs/{c.program.pk}/enrollments", None),
}

READ = {
    #              exe  own  ana  adm  man  oman rep  orep trn  out
    "person": [200, 200, 200, 200, 200, 404, 200, 404, 404, 404],
    "team": [200, 200, 200, 200, 200, 404, 404, 404, 404, 404],
    "program": [200, 200, 200, 200, 200, 200, 200, 200, 200, 404],
    "concepts": [200, 200, 200, 200, 200, 200, 200, 200, 200, 404],
    "enrollments": [200, 200, 200, 200, 200, 200, 200, 200, 403, 404],
}

# Writes through the API: (method, path, body, success status).
WRITES: dict[str, Callable[[Cast], tuple[str, str, dict[str, object], int]]] = {
    "person": lambda c: ("patch", f"/people/{c.rep.pk}", {"title": "Senior AE"}, 200),
    "team": lambda c: ("patch", f"/teams/{c.team.pk}", {"name": "West One"}, 200),
    "program": lambda c: ("patch", f"/programs/{c.program.pk}", {"vendor": "Summit"}, 200),
    "concepts": lambda c: ("post", f"/programs/{c.program.pk}/concepts", {"name": "Closing"}, 201),
    "enrollments": lambda c: (
        "post",
        f"/programs/{c.program.pk}/enrollments",
        {"person": c.owner.pk},
        201,
    ),
}

OK = "ok"
WRITE = {
    #              exe  own  ana  adm  man  oman rep  orep trn  out
    "person": [OK, 403, 403, OK, 403, 404, 403, 404, 404, 404],
    "team": [OK, 403, 403, OK, 403, 404, 404, 404, 404, 404],
    "program": [OK, OK, 403, OK, 403, 403, 403, 403, 403, 404],
    "concepts": [OK, OK, 403, OK, 403, 403, 403, 403, 403, 404],
    "enrollments": [OK, OK, 403, OK, 403, 403, 403, 403, 403, 404],
}

# Edit pages: GET of the form is a write.
EDIT_PAGES = {
    "person": lambda c: f"/people/{c.rep.pk}/edit/",
    "team": lambda c: f"/teams/{c.team.pk}/edit/",
    "program": lambda c: f"/programs/{c.program.pk}/edit/",
    "concepts": lambda c: f"/programs/concepts/{c.concept.pk}/edit/",
}


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(READ))
def test_it_applies_read_rules_to_the_api(
    cast: Cast, api: Api, kind: str, role: str, expected: int
) -> None:
    path, _ = OBJECTS[kind](cast)
    assert api(cast.by_role(role)).get(path).status_code == expected


# Enrollment has no page of its own: it is shown on the program page.
@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    matrix_cases({k: v for k, v in READ.items() if k != "enrollments"}),
)
def test_it_applies_read_rules_to_pages(
    cast: Cast, login: Login, kind: str, role: str, expected: int
) -> None:
    _, page = OBJECTS[kind](cast)
    assert page is not None
    assert login(cast.by_role(role)).get(page).status_code == expected


@pytest.mark.parametrize(("kind", "role", "expected"), matrix_cases(WRITE))
def test_it_applies_write_rules_to_the_api(
    cast: Cast, api: Api, kind: str, role: str, expected: object
) -> None:
    method, path, body, success = WRITES[kind](cast)
    response = getattr(api(cast.by_role(role)), method)(path, body)
    assert response.status_code == (success if expected == OK else expected), response.content


@pytest.mark.parametrize(
    ("kind", "role", "expected"), matrix_cases({k: v for k, v in WRITE.items() if k in EDIT_PAGES})
)
def test_it_applies_write_rules_to_edit_pages(
    cast: Cast, login: Login, kind: str, role: str, expected: object
) -> None:
    response = login(cast.by_role(role)).get(EDIT_PAGES[kind](cast))
    assert response.status_code == (200 if expected == OK else expected)


def test_it_hides_individual_enrollments_from_the_trainer_on_the_program_page(
    cast: Cast, login: Login
) -> None:
    page = login(cast.trainer).get(f"/programs/{cast.program.pk}/").content.decode()
    assert "Rita Rep" not in page
    assert "enrolled" in page


def test_it_shows_a_manager_only_her_own_teams_reps_in_lists(cast: Cast, api: Api) -> None:
    names = {p["name"] for p in api(cast.manager).get("/people").json()["items"]}
    assert names == {"Mia Manager", "Rita Rep"}
    teams = [t["name"] for t in api(cast.manager).get("/teams").json()["items"]]
    assert teams == ["West 1"]


def test_it_shows_a_rep_only_herself(cast: Cast, api: Api) -> None:
    assert [p["name"] for p in api(cast.rep).get("/people").json()["items"]] == ["Rita Rep"]
    assert api(cast.rep).get("/teams").json()["items"] == []


def test_it_filters_enrollments_to_what_a_manager_may_see(cast: Cast, api: Api) -> None:
    rows = api(cast.manager).get(f"/programs/{cast.program.pk}/enrollments").json()["items"]
    assert {r["name"] for r in rows} == {"Mia Manager", "Rita Rep"}


def test_it_never_lists_another_organizations_programs(cast: Cast, api: Api) -> None:
    names = [p["name"] for p in api(cast.outsider).get("/programs").json()["items"]]
    assert names == ["Globex Selling"]


# The outsider sweep ------------------------------------------------------------------
#
# Every API operation and every page whose path names an object by id, requested with the
# ids of the cast's organization by an admin of another organization: each must answer
# 404 (or refuse the request before reading anything: 401, 405, 422), never 2xx or 403
# (a 403 would say the object exists). The test prints how much it covered.

# Path parameters that are not object ids: filled with a valid value, not checked alone.
NON_IDS = {
    "factor": "compensation",
    "role": "manager",
    "source": "crm",
    "uidb64": "x",
    "token": "x",
}


@pytest.fixture
def every_object(cast: Cast) -> dict[str, int]:
    """One object of every kind an id route can name, in the cast's organization."""
    import datetime as dt

    from django.utils import timezone

    from sustain.analysis.models import AnalysisRun
    from sustain.certification import services as cert_services
    from sustain.coaching import services as coaching_services
    from sustain.metrics.models import ImportJob, KpiDefinition
    from sustain.metrics.services import _ensure_kpis
    from sustain.plans import services as plan_services
    from sustain.refreshers import services as refresher_services
    from tests.readiness.conftest import make_ready

    today = timezone.localdate()
    cast.program.enrollments.update(trained_on=today - dt.timedelta(days=30))
    make_ready(cast)
    enrollment = cast.program.enrollments.get(person=cast.rep)
    plan = plan_services.plan_create(enrollment=enrollment)
    observation = coaching_services.observation_create(
        observer=cast.manager,
        rep=cast.rep,
        date=today,
        channel="phone",
        diagnosis="skill",
        scores=[{"concept": cast.concept.pk, "score": 2, "evidence": "e"}],
        actions=[{"text": "Drill", "due": today + dt.timedelta(days=7)}],
    )
    kpi = KpiDefinition.objects.get(pk=_ensure_kpis(cast.org, ["revenue"])["revenue"])
    question = refresher_services.question_create(
        concept=cast.concept, prompt="?", choices=["a", "b"], answer="a", explanation="e"
    )
    case = cert_services.diagnosis_case_create(
        program=cast.program, title="t", situation="s", root_cause="will", prescription="p"
    )
    region_id, first_item = cast.team.region_id, plan.items.first()
    first_touch = cast.program.touches.first()
    assert region_id is not None and first_item is not None and first_touch is not None
    return {
        "program_id": cast.program.pk,
        "concept_id": cast.concept.pk,
        "enrollment_id": enrollment.pk,
        "person_id": cast.rep.pk,
        "rep_id": cast.rep.pk,
        "manager_id": cast.manager.pk,
        "team_id": cast.team.pk,
        "region_id": region_id,
        "plan_id": plan.pk,
        "item_id": first_item.pk,
        "observation_id": observation.pk,
        "action_id": observation.actions.get().pk,
        "goal_id": cast.program.goals.get().pk,
        "touch_id": first_touch.pk,
        "member_id": cast.program.panel.get().pk,
        "kpi_id": kpi.pk,
        "job_id": ImportJob.objects.create(
            organization=cast.org, source="crm", filename="x.csv"
        ).pk,
        "run_id": AnalysisRun.objects.create(program=cast.program, kpi=kpi).pk,
        "question_id": question.pk,
        "case_id": case.pk,
    }


UNKNOWN = "unknown"


def _fill(path: str, ids: dict[str, int], style: str) -> str | None:
    """The path with its parameters filled in; None when it names no object by id, and
    UNKNOWN when it names one this sweep has no object for (add it to every_object)."""
    pattern = r"{(\w+)}" if style == "api" else r"<(?:\w+:)?(\w+)>"
    names = re.findall(pattern, path)
    if any(n not in ids and n not in NON_IDS for n in names):
        return UNKNOWN
    if not any(n in ids for n in names):
        return None
    for name in names:
        value = ids.get(name, NON_IDS.get(name))
        path = path.replace("{" + name + "}", str(value))
        path = re.sub(r"<(?:\w+:)?" + name + ">", str(value), path)
    return path


def _pages() -> list[str]:
    from django.urls import URLResolver, get_resolver

    def walk(resolver: URLResolver, prefix: str) -> Iterator[str]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    skip = ("admin/", "api/")  # the admin is for platform operators; the API is swept below
    return [p for p in walk(get_resolver(), "") if not p.startswith(skip) and "<" in p]


REFUSED_BEFORE_READING = {401, 404, 405, 422}


def _example(schema: dict[str, Any], spec: dict[str, Any], ids: dict[str, int]) -> object:
    """A plausible value for an OpenAPI schema, so a write reaches its access check."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _example(options[0], spec, ids) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: _example(prop, spec, ids)
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "array":
        item = schema.get("items", {})
        return [f"{_example(item, spec, ids)}{i}" for i in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2026-01-05"
    if schema.get("format") == "date-time":
        return "2026-01-05T09:00:00Z"
    return "x"


def _body(operation: dict[str, Any], spec: dict[str, Any], ids: dict[str, int]) -> object:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    return _example(content["application/json"]["schema"], spec, ids)


def test_every_id_route_answers_an_outsider_404(
    cast: Cast,
    every_object: dict[str, int],
    api: Api,
    login: Login,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sustain.api.urls import api as ninja_api

    outsider_api, outsider_web = api(cast.outsider), login(cast.outsider)
    leaks, others, unknown, api_total, api_404, page_total, page_404 = [], [], [], 0, 0, 0, 0
    spec = ninja_api.get_openapi_schema()
    for path, operations in spec["paths"].items():
        filled = _fill(path.removeprefix("/api/v1"), every_object, "api")
        if filled == UNKNOWN:
            unknown.append(path)
        if filled in (None, UNKNOWN):
            continue
        for method, operation in operations.items():
            api_total += 1
            send = getattr(outsider_api, method)
            if method in ("get", "delete"):
                status = send(filled).status_code
            else:
                status = send(filled, _body(operation, spec, every_object)).status_code
            if status != 404:
                others.append(f"{method.upper()} {filled} {status}")
            api_404 += status == 404
            if status not in REFUSED_BEFORE_READING or (method == "get" and status != 404):
                leaks.append((method.upper(), filled, status))
    for page in _pages():
        filled = _fill("/" + page, every_object, "page")
        if filled == UNKNOWN:
            unknown.append(page)
        if filled in (None, UNKNOWN):
            continue
        page_total += 1
        status = outsider_web.get(filled).status_code
        if status == 405:
            status = outsider_web.post(filled, {}).status_code
        page_404 += status == 404
        if status != 404:
            leaks.append(("PAGE", filled, status))
    with capsys.disabled():
        print(
            f"\noutsider sweep: {api_404} of {api_total} API operations and {page_404} of "
            f"{page_total} id pages answered 404; refused before reading: {others}; "
            f"not swept (no object for the id yet): {unknown}"
        )
    assert not leaks
    assert api_total > 60 and page_total > 40
