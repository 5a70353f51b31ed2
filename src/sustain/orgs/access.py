"""Who may see and change what. Every view and API handler that touches tenant data
gets its objects through the functions here, so the rules live in one place.

The rules:
- nobody sees another organization's data (404, as if it did not exist);
- executives, program owners, analysts and admins see the whole organization;
- a manager sees herself and the reps of the teams she leads;
- a rep sees herself;
- a trainer (external vendor) sees program content and aggregates, never an individual
  rep's data;
- a person who can see an object but not change it gets 403 on a write;
- roles, login emails, active status and regions are changed by an admin only, and
  nobody raises her own role (see "Who may change whom" below).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from sustain.orgs.models import ApiToken, Organization, Person, Region, Role, Team

if TYPE_CHECKING:
    from sustain.adoption.models import Call
    from sustain.analysis.models import AnalysisRun
    from sustain.audit.models import AuditEvent
    from sustain.certification.models import DiagnosisCase
    from sustain.coaching.models import DevelopmentAction, Observation
    from sustain.health.models import Alert
    from sustain.metrics.models import ImportJob, KpiDefinition, KpiValue
    from sustain.notify.models import OutboxMessage
    from sustain.plans.models import Plan
    from sustain.programs.models import Concept, Enrollment, Program, WorkshopSession
    from sustain.refreshers.models import Question

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
    except (ObjectDoesNotExist, ValueError, TypeError):
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
    people = Person.objects.filter(organization=viewer.organization_id)
    if viewer.organization_id is None:
        return people.none()
    if sees_whole_org(viewer):
        return people
    if viewer.role == Role.MANAGER:
        # Herself, or in a team of her organization that she leads: two indexed lookups,
        # united in a subquery. Not ORed (PostgreSQL cannot tell that the OR is a few
        # people and read every person to answer it), not filtered by organization again
        # (both are in hers: a person's team is her organization's, Person.clean): with
        # that filter SQLite scanned every person of the organization to answer it.
        teams = Team.objects.filter(organization=viewer.organization_id, manager=viewer)
        herself = Person.objects.filter(pk=viewer.pk).values("pk")
        led = Person.objects.filter(team__in=teams).values("pk")
        return Person.objects.filter(pk__in=herself.union(led, all=True))
    return people.filter(pk=viewer.pk)


def rep_ids_visible_to(viewer: Person) -> QuerySet[Person, int]:
    """The reps whose individual data the viewer may read (none for a trainer)."""
    return people_visible_to(viewer).filter(role=Role.REP).values_list("pk", flat=True)


def can_edit_people(viewer: Person) -> bool:
    return viewer.role in PEOPLE_ADMIN_ROLES


def get_person_for(viewer: Person, pk: object, *, write: bool = False) -> Person:
    writable = (lambda _p: can_edit_people(viewer)) if write else None
    return _get(people_visible_to(viewer), pk, writable=writable)


def can_invite(viewer: Person, target: Person | Team | Organization) -> bool:
    """Admins send (and re-send) invitations to the people, a team, or everyone of their
    organization."""
    organization_id = target.pk if isinstance(target, Organization) else target.organization_id
    return (
        viewer.role == Role.ADMIN
        and viewer.organization_id is not None
        and organization_id == viewer.organization_id
    )


def can_unlock_sign_in(viewer: Person, person: Person) -> bool:
    """Admins lift a sign-in lockout on an account of their organization."""
    return can_invite(viewer, person)


def teams_visible_to(viewer: Person) -> QuerySet[Team]:
    teams = Team.objects.filter(organization=viewer.organization_id)
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


# Who may change whom: roles, login emails, active status, regions --------------------
#
# Seeing a person is not enough to change what she may do. An organization's admin gives
# roles, changes login emails and deactivates; nobody raises her own role. An executive
# edits people's profiles (name, title, team, region among the existing ones) and adds
# people in the roles below her. Regions are an admin's. The services call these too
# (`orgs.services.person_change_role` and friends), so a page and the API cannot differ.
# What a change breaks (a team left without a manager, a program with an ineligible owner,
# an organization without an admin) is the services' to refuse, with what to do first.

# The higher the number, the more a role may do to others.
ROLE_RANK: dict[str, int] = {Role.ADMIN: 3, Role.EXECUTIVE: 2}
# Who may be a program's owner: accountable and senior enough to run it.
PROGRAM_OWNER_ROLES = frozenset({Role.EXECUTIVE, Role.OWNER, Role.ADMIN})


def _rank(role: str) -> int:
    return ROLE_RANK.get(role, 1)


def _same_org(viewer: Person, person: Person) -> bool:
    return viewer.organization_id is not None and viewer.organization_id == person.organization_id


def is_org_admin(viewer: Person) -> bool:
    return viewer.organization_id is not None and viewer.is_active and viewer.role == Role.ADMIN


def may_own_program(person: Person) -> bool:
    """An eligible program owner: an active executive, program owner or admin."""
    return person.is_active and person.role in PROGRAM_OWNER_ROLES


def raises_own_role(viewer: Person, person: Person, role: str) -> bool:
    return viewer.pk == person.pk and _rank(role) > _rank(viewer.role)


def can_change_role(viewer: Person, person: Person, role: str) -> bool:
    """Only an admin changes a role, and never to raise her own."""
    if not (is_org_admin(viewer) and _same_org(viewer, person)):
        return False
    return not raises_own_role(viewer, person, role)


def can_give_role_to_new_person(viewer: Person, role: str) -> bool:
    """An admin adds people in any role; an executive in the roles below hers."""
    if is_org_admin(viewer):
        return True
    return can_edit_people(viewer) and _rank(role) < _rank(viewer.role)


def can_change_login_email(viewer: Person, person: Person) -> bool:
    """The login email is the account: only an admin changes it."""
    return is_org_admin(viewer) and _same_org(viewer, person)


def can_change_active(viewer: Person, person: Person) -> bool:
    """An admin deactivates and reactivates others (another admin deactivates her)."""
    return is_org_admin(viewer) and _same_org(viewer, person) and viewer.pk != person.pk


def can_create_regions(viewer: Person) -> bool:
    return is_org_admin(viewer)


def require_role_change(viewer: Person, person: Person, role: str) -> None:
    if raises_own_role(viewer, person, role):
        raise PermissionDenied("Nobody raises her own role.")
    if not can_change_role(viewer, person, role):
        raise PermissionDenied("Only an admin changes roles.")


def require_new_person_role(viewer: Person, role: str) -> None:
    if not can_give_role_to_new_person(viewer, role):
        raise PermissionDenied(f"Only an admin adds a person in the role “{Role(role).label}”.")


def require_login_email_change(viewer: Person, person: Person) -> None:
    if not can_change_login_email(viewer, person):
        raise PermissionDenied("Only an admin changes a login email.")


def require_active_change(viewer: Person, person: Person) -> None:
    if viewer.pk == person.pk:
        raise PermissionDenied("Another admin deactivates or reactivates you.")
    if not can_change_active(viewer, person):
        raise PermissionDenied("Only an admin deactivates or reactivates people.")


def require_region_creation(viewer: Person) -> None:
    if not can_create_regions(viewer):
        raise PermissionDenied("Only an admin adds regions.")


def can_import_people(viewer: Person) -> bool:
    """The roster import creates, changes and deactivates people in bulk: admins only."""
    return is_org_admin(viewer)


def can_export_organization(viewer: Person) -> bool:
    """The whole organization as one zip (every person's data): admins only."""
    return is_org_admin(viewer)


def get_region_for(viewer: Person, pk: object, *, write: bool = False) -> Region:
    regions = Region.objects.filter(organization=viewer.organization_id)
    if viewer.organization_id is None:
        regions = regions.none()
    writable = (lambda _r: can_create_regions(viewer)) if write else None
    return _get(regions, pk, writable=writable)


# Programs, concepts, enrollment ---------------------------------------------


def programs_visible_to(viewer: Person) -> QuerySet[Program]:
    from sustain.programs.models import Program

    if viewer.organization_id is None:
        return Program.objects.none()
    return Program.objects.filter(organization_id=viewer.organization_id)


def can_create_program(viewer: Person) -> bool:
    return viewer.organization_id is not None and viewer.role in PROGRAM_EDITOR_ROLES


def can_edit_program(viewer: Person, program: Program) -> bool:
    if program.organization_id != viewer.organization_id:
        return False
    return viewer.role in PROGRAM_EDITOR_ROLES or owns_program(viewer, program)


def get_program_for(viewer: Person, pk: object, *, write: bool = False) -> Program:
    writable = (lambda p: can_edit_program(viewer, p)) if write else None
    return _get(programs_visible_to(viewer).select_related("owner"), pk, writable=writable)


def get_program_part_for(
    viewer: Person,
    model: type[M],
    pk: object,
    *,
    write: bool = False,
    related: tuple[str, ...] = (),
) -> M:
    """An object that belongs to one program (its `program` field): seen with the program,
    changed by whoever may edit the program."""
    objects = model._default_manager.filter(program__in=programs_visible_to(viewer))
    writable = (lambda o: can_edit_program(viewer, o.program)) if write else None
    return _get(objects.select_related("program", *related), pk, writable=writable)


def get_concept_for(viewer: Person, pk: object, *, write: bool = False) -> Concept:
    from sustain.programs.models import Concept

    return get_program_part_for(viewer, Concept, pk, write=write)


def enrollments_visible_to(viewer: Person, program: Program) -> QuerySet[Enrollment]:
    """Individual enrollment rows; the trainer gets none (she reads the counts)."""
    enrollments = program.enrollments.all()
    if sees_whole_org(viewer):
        return enrollments
    if not sees_individuals(viewer):
        return enrollments.none()
    return enrollments.filter(person__in=people_visible_to(viewer))


def get_enrollment_for(viewer: Person, pk: object, *, write: bool = False) -> Enrollment:
    from sustain.programs.models import Enrollment

    enrollments = Enrollment.objects.filter(program__in=programs_visible_to(viewer))
    if not sees_whole_org(viewer):
        enrollments = enrollments.filter(person__in=people_visible_to(viewer))
        if not sees_individuals(viewer):
            enrollments = enrollments.none()
    writable = (lambda e: can_edit_program(viewer, e.program)) if write else None
    return _get(enrollments.select_related("program", "person", "session"), pk, writable=writable)


def get_session_for(viewer: Person, pk: object, *, write: bool = False) -> WorkshopSession:
    from sustain.programs.models import WorkshopSession

    return get_program_part_for(viewer, WorkshopSession, pk, write=write)


# Privacy: who may own a program ----------------------------------------------------

# The owner edits the program and enrolls the organization: the role must carry that
# (`may_own_program` above, shared with the rules for changing a person's role).


def owns_program(viewer: Person, program: Program) -> bool:
    """The program's owner, as long as her role may own one: a person made owner before
    the rule (readiness flags her) gets no rights from it."""
    return program.owner_id == viewer.pk and may_own_program(viewer)


def eligible_program_owners(organization_id: int | None) -> QuerySet[Person]:
    """The owner picker: the organization's active executives, program owners and admins."""
    return Person.objects.filter(
        organization=organization_id, role__in=PROGRAM_OWNER_ROLES, is_active=True
    ).order_by("name")


def get_question_for(viewer: Person, pk: object, *, write: bool = False) -> Question:
    """A refresher question of a program the viewer sees; written by the program's editors."""
    from sustain.refreshers.models import Question

    questions = Question.objects.filter(concept__program__in=programs_visible_to(viewer))
    writable = (lambda q: can_edit_program(viewer, q.concept.program)) if write else None
    return _get(questions.select_related("concept__program"), pk, writable=writable)


# Readiness ------------------------------------------------------------------

PREPARATION_READER_ROLES = frozenset({Role.EXECUTIVE, Role.OWNER, Role.ANALYST, Role.ADMIN})


def can_see_preparation(viewer: Person, program: Program) -> bool:
    """The readiness check and the preparation pages: owner, executives, analysts."""
    if program.organization_id != viewer.organization_id:
        return False
    return viewer.role in PREPARATION_READER_ROLES or owns_program(viewer, program)


def get_program_preparation_for(viewer: Person, pk: object, *, write: bool = False) -> Program:
    program = get_program_for(viewer, pk)
    if not can_see_preparation(viewer, program):
        raise PermissionDenied("The program's preparation is for its owner and leadership.")
    if write and not can_edit_program(viewer, program):
        raise PermissionDenied
    return program


def get_preparation_part_for(
    viewer: Person, model: type[M], pk: object, *, write: bool = False
) -> M:
    """A goal, touch... of a program's preparation: 404 unless its program is visible, then
    the preparation's own rules."""
    part = get_program_part_for(viewer, model, pk)
    # M is any model with a `program` field; a TypeVar bound cannot say so.
    get_program_preparation_for(viewer, part.program_id, write=write)  # type: ignore[attr-defined]
    return part


def can_edit_manager_part(viewer: Person, program: Program) -> bool:
    """Managers edit their own part: the customization panel (the managers' expectations
    are program-wide text, see can_write_program_text)."""
    return can_edit_program(viewer, program) or (
        program.organization_id == viewer.organization_id and viewer.role == Role.MANAGER
    )


def get_program_manager_part_for(viewer: Person, pk: object, *, write: bool = False) -> Program:
    program = get_program_for(viewer, pk)
    readable = can_see_preparation(viewer, program) or viewer.role == Role.MANAGER
    if not readable or (write and not can_edit_manager_part(viewer, program)):
        raise PermissionDenied
    return program


def get_program_brief_for(viewer: Person, pk: object) -> Program:
    """The why message and the reps' expectations: everyone in the program's organization
    but the vendor."""
    program = get_program_for(viewer, pk)
    if viewer.role == Role.TRAINER:
        raise PermissionDenied
    return program


def get_program_aggregates_for(viewer: Person, pk: object) -> Program:
    """Needs assessment and team-level pulse: the preparation readers and the trainer."""
    program = get_program_for(viewer, pk)
    if not (can_see_preparation(viewer, program) or viewer.role == Role.TRAINER):
        raise PermissionDenied
    return program


# Privacy: program-wide text ----------------------------------------------------------

# The why message, the expectations for each role and the readiness thresholds speak for
# the whole program: its owner and admins write them; managers read and acknowledge.
BRIEF_ACKNOWLEDGER_ROLES = frozenset({Role.REP, Role.MANAGER})


def can_write_program_text(viewer: Person, program: Program) -> bool:
    if program.organization_id != viewer.organization_id:
        return False
    return viewer.role == Role.ADMIN or owns_program(viewer, program)


def get_program_text_for(viewer: Person, pk: object, *, write: bool = False) -> Program:
    """The program to read its brief (write=False) or to write its program-wide text."""
    if not write:
        return get_program_brief_for(viewer, pk)
    program = get_program_for(viewer, pk)
    if not can_write_program_text(viewer, program):
        raise PermissionDenied("The program's owner and admins write the program-wide text.")
    return program


def expectation_roles_for(viewer: Person, program: Program) -> list[str]:
    """Whose expectations the viewer reads, the same on the brief page, `/brief` and
    `/expectations`: a rep reads what is expected of reps; everyone else in the program's
    organization but the vendor reads all three."""
    if program.organization_id != viewer.organization_id or viewer.role == Role.TRAINER:
        return []
    if viewer.role == Role.REP:
        return ["rep"]
    return ["executive", "manager", "rep"]


def can_acknowledge_brief(viewer: Person, program: Program) -> bool:
    return program.organization_id == viewer.organization_id and (
        viewer.role in BRIEF_ACKNOWLEDGER_ROLES
    )


# Coaching ---------------------------------------------------------------------

# Who may record an observation of a rep she can see: her manager, or a leader acting
# as a coach. Analysts read, trainers see aggregates only.
OBSERVER_ROLES = frozenset({Role.MANAGER, Role.OWNER, Role.EXECUTIVE, Role.ADMIN})


def get_rep_to_observe(viewer: Person, pk: object) -> Person:
    """A rep the viewer may observe: 404 if she cannot see her, 403 if she may not coach."""
    rep = _get(people_visible_to(viewer).filter(role=Role.REP), pk, writable=None)
    if viewer.role not in OBSERVER_ROLES:
        raise PermissionDenied("Only managers and coaches record observations.")
    return rep


def get_rep_for(viewer: Person, pk: object) -> Person:
    """A rep whose coaching record the viewer may read (never for a trainer)."""
    return _get(people_visible_to(viewer).filter(role=Role.REP), pk, writable=None)


def observations_visible_to(viewer: Person) -> QuerySet[Observation]:
    from sustain.coaching.models import Observation

    if viewer.organization_id is None or not sees_individuals(viewer):
        return Observation.objects.none()
    return Observation.objects.filter(
        organization_id=viewer.organization_id, rep__in=people_visible_to(viewer)
    )


def get_observation_for(viewer: Person, pk: object) -> Observation:
    return _get(observations_visible_to(viewer), pk, writable=None)


# Privacy: the private coaching note ------------------------------------------------


def sees_private_note(viewer: Person, observation: Observation) -> bool:
    """A private note is read by its author and the rep's current manager, nobody else:
    not the rep, and not leaders who otherwise see the whole observation."""
    if viewer.organization_id != observation.organization_id:
        return False
    if viewer.pk == observation.rep_id:
        return False
    if viewer.pk == observation.observer_id:
        return True
    team = observation.rep.team
    return team is not None and team.manager_id == viewer.pk


# Privacy: the refresher answer key ---------------------------------------------------

# Who reads the whole answer key: the people who write and review the question bank.
# Participants (reps and managers are quizzed) read a question's answer and explanation
# only once they have answered it.
ANSWER_KEY_ROLES = frozenset({Role.EXECUTIVE, Role.OWNER, Role.ANALYST, Role.ADMIN, Role.TRAINER})


def sees_answer_key(viewer: Person, program: Program) -> bool:
    if program.organization_id != viewer.organization_id:
        return False
    return viewer.role in ANSWER_KEY_ROLES or owns_program(viewer, program)


def sees_answer(viewer: Person, program: Program, *, answered: bool) -> bool:
    """One question's answer and explanation: with the key, or after answering it."""
    return answered or sees_answer_key(viewer, program)


# Certification -------------------------------------------------------------------

ASSESSOR_ROLES = frozenset({Role.OWNER, Role.TRAINER, Role.EXECUTIVE, Role.ADMIN})


def managers_certifiable_by(viewer: Person, program: Program) -> QuerySet[Person]:
    """Managers whose certification the viewer may read: leaders and the trainer (she
    assesses them) see every enrolled manager; a manager sees herself."""
    managers = Person.objects.filter(
        organization_id=program.organization_id,
        role=Role.MANAGER,
        enrollments__program=program,
    )
    if viewer.organization_id != program.organization_id:
        return managers.none()
    if sees_whole_org(viewer) or viewer.role == Role.TRAINER:
        return managers
    return managers.filter(pk=viewer.pk)


def takes_certification(viewer: Person, program: Program) -> bool:
    """A manager enrolled in the program takes its quiz and diagnosis cases; one who is not
    enrolled has nothing to take there."""
    return (
        viewer.role == Role.MANAGER
        and managers_certifiable_by(viewer, program).filter(pk=viewer.pk).exists()
    )


def get_manager_for(viewer: Person, program: Program, pk: object) -> Person:
    return _get(managers_certifiable_by(viewer, program), pk, writable=None)


def can_assess(viewer: Person, program: Program) -> bool:
    if program.organization_id != viewer.organization_id:
        return False
    return viewer.role in ASSESSOR_ROLES or owns_program(viewer, program)


def get_diagnosis_case_for(viewer: Person, pk: object, *, write: bool = False) -> DiagnosisCase:
    from sustain.certification.models import DiagnosisCase

    return get_program_part_for(viewer, DiagnosisCase, pk, write=write)


def get_development_action_for(
    viewer: Person, pk: object, *, write: bool = False
) -> DevelopmentAction:
    """A prescribed action: readable with its observation; the rep herself, her observer
    and leaders may mark it done."""
    from sustain.coaching.models import DevelopmentAction

    actions = DevelopmentAction.objects.filter(observation__in=observations_visible_to(viewer))

    def writable(action: DevelopmentAction) -> bool:
        obs = action.observation
        return viewer.pk in (obs.rep_id, obs.observer_id) or viewer.role in OBSERVER_ROLES

    return _get(actions.select_related("observation"), pk, writable=writable if write else None)


# Metrics and analysis ---------------------------------------------------------

KPI_IMPORTER_ROLES = frozenset({Role.ANALYST, Role.OWNER, Role.EXECUTIVE, Role.ADMIN})


def can_import_kpis(viewer: Person) -> bool:
    return viewer.organization_id is not None and viewer.role in KPI_IMPORTER_ROLES


def kpi_values_visible_to(viewer: Person) -> QuerySet[KpiValue]:
    """Individual KPI values: the whole org, a manager's team, a rep's own; none for the
    trainer, who reads aggregates only."""
    from sustain.metrics.models import KpiValue

    if viewer.organization_id is None or not sees_individuals(viewer):
        return KpiValue.objects.none()
    values = KpiValue.objects.filter(kpi__organization_id=viewer.organization_id)
    if sees_whole_org(viewer):
        return values
    return values.filter(rep__in=people_visible_to(viewer))


def get_kpi_for(viewer: Person, pk: object, *, write: bool = False) -> KpiDefinition:
    from sustain.metrics.models import KpiDefinition

    kpis = KpiDefinition.objects.filter(organization=viewer.organization_id)
    if viewer.organization_id is None:
        kpis = kpis.none()
    writable = (lambda _k: can_import_kpis(viewer)) if write else None
    return _get(kpis, pk, writable=writable)


def get_import_job_for(viewer: Person, pk: object) -> ImportJob:
    from sustain.metrics.models import ImportJob

    jobs = ImportJob.objects.filter(organization=viewer.organization_id)
    if viewer.organization_id is None:
        jobs = jobs.none()
    return _get(jobs, pk, writable=lambda _j: can_import_kpis(viewer))


def can_run_analysis(viewer: Person, program: Program) -> bool:
    return can_import_kpis(viewer) or can_edit_program(viewer, program)


def get_analysis_run_for(viewer: Person, pk: object) -> AnalysisRun:
    """Analyses are aggregates: whoever sees the program's impact reads them."""
    from sustain.analysis.models import AnalysisRun

    run = get_program_part_for(viewer, AnalysisRun, pk, related=("kpi",))
    if not sees_impact(viewer, run.program):
        raise PermissionDenied("The impact analysis is for leaders, managers and the trainer.")
    return run


# Privacy: the impact analysis --------------------------------------------------------

# Executives, program owners, analysts and admins see all of it; managers and the trainer
# see the effects but not what the program cost (budget, ROI) or the needs-assessment
# notes (they can hold commission policy and the like); reps see none of it.


def sees_impact(viewer: Person, program: Program) -> bool:
    return program.organization_id == viewer.organization_id and viewer.role != Role.REP


def sees_impact_costs(viewer: Person, program: Program) -> bool:
    if program.organization_id != viewer.organization_id:
        return False
    return sees_whole_org(viewer) or owns_program(viewer, program)


def sees_leadership_view(viewer: Person) -> bool:
    """The home page's "did it work?" view and the leadership report index: those who
    answer for the whole organization's programs (executives, owners, analysts, admins).
    Each program in it is still filtered by `sees_impact` and costs by
    `sees_impact_costs`; small groups by `privacy`."""
    return sees_whole_org(viewer)


def get_program_impact_for(viewer: Person, pk: object) -> Program:
    program = get_program_for(viewer, pk)
    if not sees_impact(viewer, program):
        raise PermissionDenied("The impact analysis is for leaders, managers and the trainer.")
    return program


# Privacy: the pages, panels and tabs each role is given ------------------------------

# The role checks that used to live in views, panels, tabs and the sidebar. Each says what
# the role is given, so a page and the API cannot disagree about it.


def has_own_plan(viewer: Person) -> bool:
    """A rep's own pages: her 90-day plan, her coaching record, the why to acknowledge."""
    return viewer.organization_id is not None and viewer.role == Role.REP


def leads_a_team(viewer: Person) -> bool:
    """A manager's pages: her team's plans and coverage, her certification, the panel."""
    return viewer.organization_id is not None and viewer.role == Role.MANAGER


def sees_team_plans(viewer: Person) -> bool:
    """The team plans page: managers for their teams, whole-org roles for any team."""
    return sees_individuals(viewer) and viewer.role != Role.REP


def picks_any_team(viewer: Person) -> bool:
    """Whole-org readers choose among all teams; a manager sees her own teams at once."""
    return sees_whole_org(viewer)


def sees_org_summary(viewer: Person) -> bool:
    return sees_whole_org(viewer)


def sees_people_directory(viewer: Person) -> bool:
    """The people and teams directories: not for reps (herself only) nor the vendor."""
    return viewer.organization_id is not None and viewer.role not in (Role.TRAINER, Role.REP)


def sees_program_coaching(viewer: Person, program: Program) -> bool:
    """The program's coaching tab; a rep is sent to her own coaching record instead."""
    return program.organization_id == viewer.organization_id and viewer.role != Role.REP


def sees_program_certification(viewer: Person, program: Program) -> bool:
    """Certification is about managers: everyone but reps reads the program's tab."""
    return program.organization_id == viewer.organization_id and viewer.role != Role.REP


def sees_stalled_observers(viewer: Person) -> bool:
    """The leaders' coaching panel: who stopped observing (analysts read the analysis)."""
    return sees_whole_org(viewer) and viewer.role != Role.ANALYST


def can_coach_reps(viewer: Person) -> bool:
    return viewer.role in OBSERVER_ROLES


def joins_panel_as_herself_only(viewer: Person) -> bool:
    """A manager adds herself to the customization panel; editors may add any manager."""
    return viewer.role == Role.MANAGER


def can_sign_why(person: Person) -> bool:
    """The why message is signed by an executive."""
    return person.role == Role.EXECUTIVE


# Plans ----------------------------------------------------------------------


def plans_visible_to(viewer: Person) -> QuerySet[Plan]:
    """Individual plans: the whole org for org-wide roles, her team's for a manager, her
    own for a rep, none for a trainer (she reads the program's aggregates)."""
    from sustain.plans.models import Plan

    plans = Plan.objects.filter(program__organization=viewer.organization_id)
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
    if plan.rep.team is not None and plan.rep.team.manager_id == viewer.pk:
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


# API tokens, the audit log, the outbox ----------------------------------------


def tokens_visible_to(viewer: Person) -> QuerySet[ApiToken]:
    """Everyone reads and revokes her own tokens; an admin, everyone's in her organization."""
    tokens = ApiToken.objects.select_related("person")
    if viewer.organization_id is not None and viewer.role == Role.ADMIN:
        return tokens.filter(person__organization_id=viewer.organization_id)
    return tokens.filter(person=viewer)


def get_token_for(viewer: Person, pk: object) -> ApiToken:
    return _get(tokens_visible_to(viewer), pk, writable=None)


def get_token_holder_for(viewer: Person, pk: object) -> Person:
    """Whose tokens the viewer may list: her own, or (admin) anyone's in her organization.
    404 for anyone else, including people she may otherwise see."""
    if str(pk) == str(viewer.pk):
        return viewer
    if viewer.role != Role.ADMIN:
        raise Http404
    return _get(Person.objects.filter(organization=viewer.organization_id), pk, writable=None)


def can_read_audit_log(viewer: Person) -> bool:
    return viewer.organization_id is not None and viewer.role == Role.ADMIN


def audit_events_visible_to(viewer: Person) -> QuerySet[AuditEvent]:
    from sustain.audit.models import AuditEvent

    if not can_read_audit_log(viewer):
        raise PermissionDenied("The audit log is for the organization's admins.")
    return AuditEvent.objects.filter(organization=viewer.organization_id)


def get_audit_event_for(viewer: Person, pk: object) -> AuditEvent:
    return _get(audit_events_visible_to(viewer), pk, writable=None)


def can_read_outbox(viewer: Person) -> bool:
    return viewer.organization_id is not None and viewer.role == Role.ADMIN


def outbox_visible_to(viewer: Person) -> QuerySet[OutboxMessage]:
    from sustain.notify.models import OutboxMessage

    if not can_read_outbox(viewer):
        raise PermissionDenied("The outbox is for the organization's admins.")
    return OutboxMessage.objects.filter(organization=viewer.organization_id)


def get_outbox_message_for(viewer: Person, pk: object) -> OutboxMessage:
    return _get(outbox_visible_to(viewer), pk, writable=None)


# Calls and adoption ---------------------------------------------------------------

# Who may label a detection (confirm or correct it): the rep's manager, or a leader.
CALL_LABELER_ROLES = frozenset({Role.MANAGER, Role.OWNER, Role.EXECUTIVE, Role.ADMIN})


def calls_visible_to(viewer: Person) -> QuerySet[Call]:
    """Individual calls and their transcripts: a rep her own, a manager her team's, the
    whole-org roles all; the trainer none (she reads the program's aggregates)."""
    from sustain.adoption.models import Call

    if viewer.organization_id is None or not sees_individuals(viewer):
        return Call.objects.none()
    calls = Call.objects.filter(organization_id=viewer.organization_id)
    if sees_whole_org(viewer):
        return calls
    return calls.filter(rep__in=people_visible_to(viewer))


def can_label_call(viewer: Person, call: Call) -> bool:
    """Not the rep herself: her own calls are judged by her manager or a leader."""
    return viewer.role in CALL_LABELER_ROLES and viewer.pk != call.rep_id


def get_call_for(viewer: Person, pk: object, *, label: bool = False) -> Call:
    writable = (lambda c: can_label_call(viewer, c)) if label else None
    calls = calls_visible_to(viewer).select_related("rep", "program")
    return _get(calls, pk, writable=writable)


def can_upload_call_of(viewer: Person, rep: Person) -> bool:
    """A rep uploads her own calls; her manager and leaders theirs."""
    return sees_individuals(viewer) and people_visible_to(viewer).filter(pk=rep.pk).exists()


def get_call_rep_for(viewer: Person, pk: object) -> Person:
    """A rep whose call the viewer may upload: 404 if she cannot see her."""
    if not sees_individuals(viewer):
        raise PermissionDenied("The trainer sees adoption aggregates only.")
    return _get(people_visible_to(viewer).filter(role=Role.REP), pk, writable=None)


def can_rescore_adoption(viewer: Person, program: Program) -> bool:
    return can_edit_program(viewer, program) or (
        program.organization_id == viewer.organization_id and viewer.role == Role.MANAGER
    )


def can_set_call_retention(viewer: Person) -> bool:
    return is_org_admin(viewer)


# Health and alerts -------------------------------------------------------------------


def health_min_group(viewer: Person) -> int:
    """Aggregates shown to someone who may not see the reps one by one need this many reps
    behind them: the organization's minimum group size (`orgs/privacy.py`)."""
    from sustain.orgs.privacy import min_group_size

    return min_group_size(viewer.organization)


def health_rows_visible_to(viewer: Person) -> Q:
    """A filter on `health.HealthDay` rows (of a program the viewer may see): leaders see
    every program, region, team and manager row; a manager her teams, herself and her
    reps; a rep herself; a trainer team-and-above aggregates of at least k reps. Program
    rows of fewer than k reps are withheld from those who do not see the reps."""
    k = Q(people__gte=health_min_group(viewer))
    groups = Q(level__in=["program", "region", "team", "manager"])
    if viewer.organization_id is None:
        return Q(pk__in=[])
    if sees_whole_org(viewer):
        return groups
    if viewer.role == Role.TRAINER:
        return Q(level__in=["program", "region", "team"]) & k
    program = Q(level="program") & k
    if viewer.role == Role.MANAGER:
        teams = Team.objects.filter(manager=viewer).values_list("pk", flat=True)
        reps = Person.objects.filter(team__manager=viewer).values_list("pk", flat=True)
        return (
            program
            | Q(level="team", subject_id__in=teams)
            | Q(level="manager", subject_id=viewer.pk)
            | Q(level="rep", subject_id__in=reps)
        )
    return program | Q(level="rep", subject_id=viewer.pk)


def can_edit_health_settings(viewer: Person, program: Program) -> bool:
    """Signal weights, thresholds, alert rules: the program's owner and admins."""
    return program.organization_id == viewer.organization_id and (
        viewer.role == Role.ADMIN or program.owner_id == viewer.pk
    )


def get_program_health_settings_for(viewer: Person, pk: object, *, write: bool = False) -> Program:
    writable = (lambda p: can_edit_health_settings(viewer, p)) if write else None
    return _get(programs_visible_to(viewer).select_related("owner"), pk, writable=writable)


ALERT_OVERSEER_ROLES = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.OWNER})


def alerts_visible_to(viewer: Person) -> QuerySet[Alert]:
    """Alerts addressed to the viewer (or escalated to her); leaders see all of their
    organization's."""
    from sustain.health.models import Alert

    if viewer.organization_id is None:
        return Alert.objects.none()
    alerts = Alert.objects.filter(organization_id=viewer.organization_id)
    if viewer.role in ALERT_OVERSEER_ROLES:
        return alerts
    return alerts.filter(Q(recipient=viewer) | Q(escalated_to=viewer))


def can_act_on_alert(viewer: Person, alert: Alert) -> bool:
    """Acknowledge or snooze: the recipient, the person it was escalated to, or whoever
    may edit its program."""
    return viewer.pk in (alert.recipient_id, alert.escalated_to_id) or can_edit_program(
        viewer,
        alert.program,
    )


def get_alert_for(viewer: Person, pk: object, *, write: bool = False) -> Alert:
    writable = (lambda a: can_act_on_alert(viewer, a)) if write else None
    alerts = alerts_visible_to(viewer).select_related("program", "recipient", "escalated_to")
    return _get(alerts, pk, writable=writable)


# Channels and notification preferences ----------------------------------------------


def can_add_org_channel(viewer: Person) -> bool:
    """The organization's own channels (its weekly summary): admins."""
    return is_org_admin(viewer)


def channels_visible_to(viewer: Person) -> QuerySet[Model]:
    """A person's own channels; an admin also the organization's (owner null). Nobody
    sees another person's channels: a webhook URL is a secret of its own."""
    from sustain.notify.models import Channel

    if viewer.organization_id is None:
        return Channel.objects.none()
    mine = Q(owner=viewer)
    if can_add_org_channel(viewer):
        mine |= Q(owner__isnull=True)
    return Channel.objects.filter(mine, organization_id=viewer.organization_id)


def get_channel_for(viewer: Person, pk: object) -> Model:
    """Every channel she sees she may also test and delete."""
    return _get(channels_visible_to(viewer), pk, writable=None)


def digest_preview_people(viewer: Person) -> QuerySet[Person]:
    """Whose weekly digest the viewer may preview: her own; whole-organization roles
    anyone's in it (they see all of it already)."""
    if viewer.organization_id is None:
        return Person.objects.none()
    people = Person.objects.filter(organization_id=viewer.organization_id, is_active=True)
    return people if sees_whole_org(viewer) else people.filter(pk=viewer.pk)
