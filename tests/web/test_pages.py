from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sustain.orgs.models import Person
from sustain.programs.models import Program
from tests.conftest import PASSWORD, Cast, Login


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_logs_in_with_email_and_password(cast: Cast, client: Client) -> None:
    response = client.post("/login/", {"username": cast.rep.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "Rita Rep" in client.get("/").content.decode()


def test_it_rejects_a_wrong_password(cast: Cast, client: Client) -> None:
    response = client.post("/login/", {"username": cast.rep.email, "password": "nope"})
    assert "didn't match" in response.content.decode()


@pytest.mark.parametrize(
    "role", ["executive", "owner", "manager", "rep", "trainer", "analyst", "admin"]
)
def test_it_shows_every_role_a_home_page(cast: Cast, login: Login, role: str) -> None:
    page = login(cast.by_role(role)).get("/").content.decode()
    assert "Consultative Selling" in page


def test_it_shows_a_manager_her_team_on_her_home_page(cast: Cast, login: Login) -> None:
    page = login(cast.manager).get("/").content.decode()
    assert "Rita Rep" in page
    assert "Oscar Otherrep" not in page


def test_it_shows_a_form_error_beside_the_field_and_saves_nothing(cast: Cast, login: Login) -> None:
    response = login(cast.admin).post(
        "/people/new/",
        {
            "name": "Copy",
            "email": cast.rep.email,
            "role": "rep",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert Person.objects.filter(email=cast.rep.email).count() == 1


def test_it_creates_a_program_from_the_form(cast: Cast, login: Login) -> None:
    response = login(cast.owner).post(
        "/programs/new/",
        {
            "name": "Negotiation",
            "status": "draft",
            "owner": cast.owner.pk,
            "budget_workshop": "1000",
            "budget_reinforcement": "500",
        },
    )
    program = Program.objects.get(name="Negotiation")
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.pk}/"


def test_it_adds_a_glossary_term_with_htmx(cast: Cast, login: Login) -> None:
    response = login(cast.owner).post(
        f"/programs/concepts/{cast.concept.pk}/terms/",
        {"term": "Impact question", "definition": "What the problem costs."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Impact question" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_it_refuses_an_empty_glossary_term_with_htmx(cast: Cast, login: Login) -> None:
    response = login(cast.owner).post(
        f"/programs/concepts/{cast.concept.pk}/terms/",
        {"term": "", "definition": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert cast.concept.terms.count() == 0


def test_it_filters_people_with_htmx(cast: Cast, login: Login) -> None:
    response = login(cast.executive).get("/people/?q=rita", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Rita Rep" in html and "Oscar" not in html
    assert "<html" not in html


def test_it_serves_its_own_static_assets(client: Client) -> None:
    assert client.get("/static/web/sustain.css").status_code == 200


def test_it_enrolls_people_from_the_page(cast: Cast, login: Login) -> None:
    response = login(cast.owner).post(
        f"/programs/{cast.program.pk}/enrollments/new/",
        {"people": [cast.executive.pk, cast.analyst.pk]},
    )
    assert response.status_code == 302
    assert cast.program.enrollments.filter(person__in=[cast.executive, cast.analyst]).count() == 2


def test_it_marks_attendance_with_htmx(cast: Cast, login: Login) -> None:
    import datetime as dt

    from sustain.programs.models import Enrollment
    from sustain.programs.services import session_create

    session = session_create(
        program=cast.program, title="W", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 6)
    )
    enrollment = Enrollment.objects.get(person=cast.rep)
    enrollment.session = session
    enrollment.save(update_fields=["session"])
    response = login(cast.owner).post(
        f"/programs/enrollments/{enrollment.pk}/", {"attended": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "attended" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.trained_on == dt.date(2026, 1, 6)


def test_it_shows_a_duplicate_region_error_beside_the_field(cast: Cast, login: Login) -> None:
    response = login(cast.admin).post("/organization/regions/", {"name": "west"})
    assert response.status_code == 400
    assert "already a region" in response.content.decode()
    assert cast.org.regions.count() == 1


def test_it_assigns_a_session_from_the_enrollment_row(cast: Cast, login: Login) -> None:
    import datetime as dt

    from sustain.programs.models import Enrollment
    from sustain.programs.services import session_create

    session = session_create(
        program=cast.program, title="W", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 6)
    )
    enrollment = Enrollment.objects.get(person=cast.rep)
    response = login(cast.owner).post(
        f"/programs/enrollments/{enrollment.pk}/",
        {"session": session.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.session == session
    assert enrollment.trained_on is None


def test_it_refuses_attendance_before_a_session_is_assigned(cast: Cast, login: Login) -> None:
    from sustain.programs.models import Enrollment

    enrollment = Enrollment.objects.get(person=cast.rep)
    response = login(cast.owner).post(
        f"/programs/enrollments/{enrollment.pk}/", {"attended": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "Assign a workshop session" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.attended is None


def test_it_will_not_let_a_manager_edit_enrollment_rows(cast: Cast, login: Login) -> None:
    from sustain.programs.models import Enrollment

    mine = Enrollment.objects.get(person=cast.rep)
    theirs = Enrollment.objects.get(person=cast.other_rep)
    assert login(cast.manager).post(f"/programs/enrollments/{mine.pk}/", {}).status_code == 403
    assert login(cast.manager).post(f"/programs/enrollments/{theirs.pk}/", {}).status_code == 404


def test_it_counts_the_measurement_groups_once_for_the_home_page(
    cast: Cast, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sustain.analysis import leadership
    from sustain.programs import selectors
    from sustain.readiness import checks
    from sustain.readiness import selectors as readiness_selectors

    past, later = dt.date.today() - dt.timedelta(days=30), dt.date.today() + dt.timedelta(days=9)
    enrolled = cast.program.enrollments
    enrolled.filter(person__in=[cast.rep, cast.manager]).update(trained_on=past)
    enrolled.filter(person=cast.other_rep).update(trained_on=later)
    calls: list[list[Program]] = []
    counted = selectors.measurement_group_sizes_for

    def counting(programs: list[Program]) -> dict[int, selectors.GroupSizes]:
        calls.append(programs)
        return counted(programs)

    for module in (selectors, leadership, checks, readiness_selectors):
        monkeypatch.setattr(module, "measurement_group_sizes_for", counting)
    response = login(cast.owner).get("/")
    # Rita is the one rep trained by today (Mia is a manager, Oscar trains later).
    [row] = response.context["programs"]
    assert (row.n_enrolled, row.n_trained) == (3, 1)
    [lead] = next(p["leads"] for p in response.context["lead_panels"] if "leads" in p)
    assert (lead.groups.n_trained, lead.groups.n_comparison) == (1, 1)
    assert any("todo" in p for p in response.context["panels"])  # the readiness panel
    assert len(calls) == 1
