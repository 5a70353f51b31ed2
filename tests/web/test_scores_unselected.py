"""Score inputs start with nothing chosen: a manager who saw nothing, or a rep who skips
the question, must not record the worst score by default."""

from __future__ import annotations

import datetime as dt
import re

from sustain.certification.models import RoleModelAssessment
from sustain.plans import services as plan_services
from sustain.plans.models import CheckIn
from tests.conftest import Cast, Login

SELECTED = re.compile(r"<option[^>]*selected[^>]*>([^<]*)</option>")


def _select(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


def test_the_check_in_rating_starts_unselected_and_is_required(cast: Cast, login: Login) -> None:
    cast.program.enrollments.update(trained_on=dt.date.today() - dt.timedelta(days=30))
    plan = plan_services.plan_create(enrollment=cast.program.enrollments.get(person=cast.rep))
    client = login(cast.rep)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert SELECTED.findall(_select(page, "rating")) in ([], ["— choose 1 to 5"])
    response = client.post(f"/plans/{plan.pk}/check-in/", {"applied": "Asked more"})
    assert "Choose how well you practised" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_role_play_scores_start_unselected(cast: Cast, login: Login) -> None:
    client = login(cast.owner)
    path = f"/certification/program/{cast.program.pk}/managers/{cast.manager.pk}/assess/"
    page = client.get(path).content.decode()
    field = f"score_{cast.concept.pk}"
    assert SELECTED.findall(_select(page, field)) in ([], ["— choose a score"])
    response = client.post(path, {"date": dt.date.today().isoformat()})
    assert f"Score {cast.concept.name}, or mark it not observed." in response.content.decode()
    assert not RoleModelAssessment.objects.exists()


def test_the_observation_scores_start_unselected(cast: Cast, login: Login) -> None:
    page = login(cast.manager).get(f"/coaching/reps/{cast.rep.pk}/observe/").content.decode()
    field = f"score_{cast.concept.pk}"
    assert SELECTED.findall(_select(page, field)) in ([], ["— not observed this time (no score)"])
