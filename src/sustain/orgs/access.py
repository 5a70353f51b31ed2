"""Who may see and change what. Every view and API handler that touches tenant data
gets its objects through the functions here, so the rules live in one place.

The rules:
- nobody sees another organization's data (404, as if it did not exist);
- executives, program owners, analysts and admins see the whole organization;
- a manager sees herself and the reps of the teams she leads;
- a rep sees herself;
- a trainer (external vendor) sees program content and aggregates, never an individual
  rep's data;
- a person who can see an object but not change it gets 403 on a write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from sustain.orgs.models import Organization, Person, Role, Team

if TYPE_CHECKING:
    from sustain.plans.models import Plan
    from sustain.programs.models import Concept, Enrollment, Program, WorkshopSession

M = TypeVar("M", bound=Model)

WHOLE_ORG_ROLES = frozenset({Role.EXECUTIVE, Role.OWNER, Role.ANALYST, Role.ADMIN})
PEOPLE_ADMIN_ROLES = frozenset({Role.ADMIN, Role.EXECUTIVE})
PROGRAM_EDITOR_ROLES = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.OWNER})


def sees_whole_org(viewer: Person) -> bool:
    return viewer.organization_id is not None and viewer.role in WHOLE_ORG_ROLES


def sees_individuals(viewer: Person) -> bool:
    """False for the trainer: vendors get program content and aggregates only."""
    return viewer.role != Role.TRAINER


def _get(queryset: QuerySet[M], pk: object, *, writable: Callable[[M], bool] | None) -> M:
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if writable is not None and not writable(obj):
        raise PermissionDenied
    return obj


# Organization ---------------------------------------------------------------


def can_edit_organization(viewer: Person) -> bool:
    return viewer.role == Role.ADMIN


def get_organization_for(viewer: Person, *, write: bool = False) -> Organization:
    if viewer.organization is None:
        raise Http404
    if write and not can_edit_organization(viewer):
        raise PermissionDenied
    return viewer.organization


# People and teams -----------------------------------------------------------


def people_visible_to(viewer: Person) -> QuerySet[Person]:
    people = Person.objects.filter(organization_id=viewer.organization_id)
    if viewer.organization_id is None:
        return people.none()
    if sees_whole_org(viewer):
        return people
    if viewer.role == Role.MANAGER:
        return people.filter(Q(pk=viewer.pk) | Q(team__manager=viewer))
    return people.filter(pk=viewer.pk)


def rep_ids_visible_to(viewer: Person) -> QuerySet[Person]:
    """The reps whose individual data the viewer may read (none for a trainer)."""
    return people_visible_to(viewer).filter(role=Role.REP).values_list("pk", flat=True)


def can_edit_people(viewer: Person) -> bool:
    return viewer.role in PEOPLE_ADMIN_ROLES


def get_person_for(viewer: Person, pk: object, *, write: bool = False) -> Person:
    writable = (lambda _p: can_edit_people(viewer)) if write else None
    return _get(people_visible_to(viewer), pk, writable=writable)


def teams_visible_to(viewer: Person) -> QuerySet[Team]:
    teams = Team.objects.filter(organization_id=viewer.organization_id)
    if viewer.organization_id is None:
        return teams.none()
    if sees_whole_org(viewer):
        return teams
    if viewer.role == Role.MANAGER:
        return teams.filter(manager=viewer)
    # A rep's page shows her own team's name; the team roster is not hers to read.
    return teams.none()


def can_edit_teams(viewer: Person) -> bool:
    return viewer.role in PEOPLE_ADMIN_ROLES


def get_team_for(viewer: Person, pk: object, *, write: bool = False) -> Team:
    writable = (lambda _t: can_edit_teams(viewer)) if write else None
    return _get(teams_visible_to(viewer), pk, writable=writable)


# Programs, concepts, enrollment ---------------------------------------------


def programs_visible_to(viewer: Person) -> QuerySet[Program]:
    from sustain.programs.models import Program

    if viewer.organization_id is None:
        return Program.objects.none()
    return Program.objects.filter(organization_id=viewer.organization_id)


def can_edit_program(viewer: Person, program: Program) -> bool:
    if program.organization_id != viewer.organization_id:
        return False
    return viewer.role in PROGRAM_EDITOR_ROLES or program.owner_id == viewer.pk


def get_program_for(viewer: Person, pk: object, *, write: bool = False) -> Program:
    writable = (lambda p: can_edit_program(viewer, p)) if write else None
    return _get(programs_visible_to(viewer).select_related("owner"), pk, writable=writable)


def get_concept_for(viewer: Person, pk: object, *, write: bool = False) -> Concept:
    from sustain.programs.models import Concept

    concepts = Concept.objects.filter(program__in=programs_visible_to(viewer))
    writable = (lambda c: can_edit_program(viewer, c.program)) if write else None
    return _get(concepts.select_related("program"), pk, writable=writable)


def enrollments_visible_to(viewer: Person, program: Program) -> QuerySet[Enrollment]:
    """Individual enrollment rows; the trainer gets none (she reads the counts)."""
    enrollments = program.enrollments.all()
    if sees_whole_org(viewer):
        return enrollments
    if not sees_individuals(viewer):
        return enrollments.none()
    return enrollments.filter(person__in=people_visible_to(viewer))


def get_session_for(viewer: Person, pk: object, *, write: bool = False) -> WorkshopSession:
    from sustain.programs.models import WorkshopSession

    sessions = WorkshopSession.objects.filter(program__in=programs_visible_to(viewer))
    writable = (lambda s: can_edit_program(viewer, s.program)) if write else None
    return _get(sessions.select_related("program"), pk, writable=writable)


# Plans ----------------------------------------------------------------------


def plans_visible_to(viewer: Person) -> QuerySet[Plan]:
    """Individual plans: the whole org for org-wide roles, her team's for a manager, her
    own for a rep, none for a trainer (she reads the program's aggregates)."""
    from sustain.plans.models import Plan

    plans = Plan.objects.filter(program__organization_id=viewer.organization_id)
    if viewer.organization_id is None or not sees_individuals(viewer):
        return plans.none()
    if sees_whole_org(viewer):
        return plans
    if viewer.role == Role.MANAGER:
        return plans.filter(rep__team__manager=viewer)
    return plans.filter(rep=viewer)


def can_shape_plan(viewer: Person, plan: Plan) -> bool:
    """Reorder and reweight phases, set goals: the rep herself or her manager."""
    return viewer.pk == plan.rep_id or can_manage_plan(viewer, plan)


def can_manage_plan(viewer: Person, plan: Plan) -> bool:
    """Restart a plan, set the below-quota flag: the rep's manager or a program editor."""
    if plan.rep.team_id is not None and plan.rep.team.manager_id == viewer.pk:
        return True
    return can_edit_program(viewer, plan.program)


def can_check_in(viewer: Person, plan: Plan) -> bool:
    """Only the rep reports her own progress and commits to her own plan."""
    return viewer.pk == plan.rep_id


def get_plan_for(
    viewer: Person, pk: object, *, write: Callable[[Person, Plan], bool] | None = None
) -> Plan:
    """`write` is one of the can_* rules above; visible but not allowed is a 403."""
    writable = (lambda p: write(viewer, p)) if write is not None else None
    plans = plans_visible_to(viewer).select_related("rep__team", "program", "enrollment")
    return _get(plans, pk, writable=writable)
