from __future__ import annotations

from sustain.programs.models import Concept, Enrollment, Program
from tests.conftest import Api, Cast


def test_it_creates_a_program_with_its_owner(cast: Cast, api: Api) -> None:
    response = api(cast.executive).post(
        "/programs",
        {
            "name": "Negotiation",
            "owner": cast.owner.pk,
            "budget_workshop": "50000",
            "budget_reinforcement": "25000",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == cast.owner.pk
    assert round(body["reinforcement_share"], 3) == 0.333


def test_it_rejects_an_owner_from_another_organization(cast: Cast, api: Api) -> None:
    before = Program.objects.count()
    response = api(cast.executive).post("/programs", {"name": "X", "owner": cast.outsider.pk})
    assert response.status_code == 404
    assert Program.objects.count() == before


def test_it_rejects_a_negative_budget(cast: Cast, api: Api) -> None:
    response = api(cast.executive).patch(f"/programs/{cast.program.pk}", {"budget_workshop": "-5"})
    assert response.status_code == 422
    cast.program.refresh_from_db()
    assert cast.program.budget_workshop == 100000


def test_it_lists_concepts_in_order_with_their_glossary(cast: Cast, api: Api) -> None:
    owner = api(cast.owner)
    owner.post(f"/programs/{cast.program.pk}/concepts", {"name": "Closing"})
    owner.post(
        f"/concepts/{cast.concept.pk}/terms", {"term": "Open question", "definition": "Not yes/no."}
    )
    concepts = api(cast.rep).get(f"/programs/{cast.program.pk}/concepts").json()["items"]
    assert [c["name"] for c in concepts] == ["Discovery", "Closing"]
    assert concepts[0]["terms"] == [
        {"id": concepts[0]["terms"][0]["id"], "term": "Open question", "definition": "Not yes/no."}
    ]


def test_it_rejects_a_duplicate_glossary_term(cast: Cast, api: Api) -> None:
    owner = api(cast.owner)
    owner.post(f"/concepts/{cast.concept.pk}/terms", {"term": "Pain", "definition": "a"})
    response = owner.post(f"/concepts/{cast.concept.pk}/terms", {"term": "pain", "definition": "b"})
    assert response.status_code == 400
    assert "already" in response.json()["detail"]
    assert cast.concept.terms.count() == 1


def test_it_rejects_a_session_that_ends_before_it_starts(cast: Cast, api: Api) -> None:
    response = api(cast.owner).post(
        f"/programs/{cast.program.pk}/sessions",
        {
            "title": "Day 1",
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
        },
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()["errors"]
    assert cast.program.sessions.count() == 0


def test_it_refuses_to_enroll_someone_twice(cast: Cast, api: Api) -> None:
    response = api(cast.owner).post(
        f"/programs/{cast.program.pk}/enrollments", {"person": cast.rep.pk}
    )
    assert response.status_code == 400
    assert Enrollment.objects.filter(person=cast.rep).count() == 1


def test_it_records_the_cohort_when_attendance_is_recorded(cast: Cast) -> None:
    import datetime as dt

    from sustain.programs.services import enrollment_record_attendance, session_create

    session = session_create(
        program=cast.program,
        title="Workshop",
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 3),
    )
    enrollment = Enrollment.objects.get(person=cast.rep)
    enrollment.session = session
    enrollment.save(update_fields=["session"])
    enrollment_record_attendance(enrollment=enrollment, attended=True)
    assert enrollment.trained_on == dt.date(2026, 3, 3)


def test_it_gives_the_trainer_counts_not_people(cast: Cast, api: Api) -> None:
    assert api(cast.trainer).get(f"/programs/{cast.program.pk}/enrollments").status_code == 403
    assert api(cast.trainer).get(f"/programs/{cast.program.pk}").status_code == 200


def test_it_answers_unknown_ids_with_404_json(cast: Cast, api: Api) -> None:
    response = api(cast.owner).get("/programs/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
    assert Concept.objects.count() == 1


def test_it_records_attendance_through_the_api(cast: Cast, api: Api) -> None:
    owner = api(cast.owner)
    session = owner.post(
        f"/programs/{cast.program.pk}/sessions",
        {
            "title": "Day 1",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-02",
        },
    ).json()
    enrollment = Enrollment.objects.get(person=cast.rep)
    body = owner.patch(
        f"/enrollments/{enrollment.pk}", {"session": session["id"], "attended": True}
    ).json()
    assert body["trained_on"] == "2026-05-02"
    assert body["attended"] is True


def test_it_refuses_attendance_without_a_session(cast: Cast, api: Api) -> None:
    enrollment = Enrollment.objects.get(person=cast.rep)
    response = api(cast.owner).patch(f"/enrollments/{enrollment.pk}", {"attended": True})
    assert response.status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.trained_on is None


def test_it_hides_enrollments_of_other_teams_from_a_manager(cast: Cast, api: Api) -> None:
    enrollment = Enrollment.objects.get(person=cast.other_rep)
    assert api(cast.manager).patch(f"/enrollments/{enrollment.pk}", {}).status_code == 404
    assert api(cast.outsider).patch(f"/enrollments/{enrollment.pk}", {}).status_code == 404
    assert api(cast.analyst).patch(f"/enrollments/{enrollment.pk}", {}).status_code == 403
