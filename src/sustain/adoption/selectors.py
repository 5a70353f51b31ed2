"""Reads: what the program says about each concept (for detection), thresholds learned from
labels, calibration, adoption over time, the review queue, the adopter attribute."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from sustain.adoption import detect, detectors
from sustain.adoption.models import AdoptionPolicy, Call, CallStatus, Detection, Label
from sustain.orgs.models import Organization, Person, Role
from sustain.programs.models import Concept, Program

DEFAULT_RETENTION_DAYS = 180
# Below this many labels a concept's agreement figures are not shown as if they meant much.
MIN_CALIBRATION_LABELS = 10
ADOPTER_WINDOW_DAYS = 90


def retention_days(org: Organization) -> int:
    policy = AdoptionPolicy.objects.filter(organization=org).first()
    return policy.retention_days if policy else DEFAULT_RETENTION_DAYS


def _labeled(program: Program) -> dict[int, list[tuple[int, bool, float, str, list[Any]]]]:
    """Per concept: (call, label, stored score, best turn, evidence) of every labeled call."""
    labels = {
        (call_id, concept_id): used
        for call_id, concept_id, used in Label.objects.filter(call__program=program).values_list(
            "call_id", "concept_id", "used"
        )
    }
    out: dict[int, list[tuple[int, bool, float, str, list[Any]]]] = defaultdict(list)
    if not labels:
        return out
    rows = Detection.objects.filter(call__program=program, call__labels__isnull=False).values_list(
        "call_id", "concept_id", "score", "best_turn", "evidence"
    )
    for call_id, concept_id, score, best, evidence in rows.distinct():
        used = labels.get((call_id, concept_id))
        if used is not None:
            out[concept_id].append((call_id, used, score, best, evidence))
    return out


def _base_texts(program: Program) -> list[detect.ConceptText]:
    """What the program itself says about each concept (no labels yet)."""
    return [
        detect.ConceptText(
            key=c.pk,
            name=c.name,
            description=c.description,
            terms=[f"{t.term}. {t.definition}" for t in c.terms.all()],
            behaviours=[f"{b.name}. {b.level_3}. {b.level_4}" for b in c.behaviours.all()],
        )
        for c in program.concepts.prefetch_related("terms", "behaviours")
    ]


def _with_examples(
    base: list[detect.ConceptText],
    labeled: dict[int, list[tuple[int, bool, float, str, list[dict[str, Any]]]]],
    calls: set[int] | None = None,
) -> list[detect.ConceptText]:
    """The concepts with the turns managers confirmed or rejected (of `calls` only)."""
    out = []
    for c in base:
        rows = [r for r in labeled.get(c.key, []) if calls is None or r[0] in calls]
        positives = [e["text"] for _, u, _, _, ev in rows if u for e in ev]
        positives += [best for _, u, _, best, ev in rows if u and not ev and best]
        out.append(
            dataclasses.replace(
                c,
                positives=positives,
                negatives=[e["text"] for _, u, _, _, ev in rows if not u for e in ev],
            )
        )
    return out


def _thresholds(
    texts: list[detect.ConceptText], pairs: dict[int, list[tuple[float, bool]]], default: float
) -> None:
    """Per concept the cut that best agrees with its labels, else the program's pooled cut,
    else the detector's default."""
    program_cut = detect.learn_threshold([p for rows in pairs.values() for p in rows])
    for text in texts:
        cut = detect.learn_threshold(pairs.get(text.key, []))
        text.threshold = next((x for x in (cut, program_cut) if x is not None), default)


def concept_texts(
    program: Program, detector: detectors.Detector | None = None
) -> list[detect.ConceptText]:
    """What detection knows of each concept: the program's text, the turns managers
    confirmed or rejected, and a threshold learned from their labels (per concept, else
    pooled over the program, else the default)."""
    detector = detector or detectors.current()
    labeled = _labeled(program)
    out = _with_examples(_base_texts(program), labeled)
    if not labeled:
        return out
    # The labeled calls scored again with what the labels taught, so every score the
    # thresholds are learned from comes from the same detector.
    profiles = detector.build_profiles(out)
    call_ids = {row[0] for rows in labeled.values() for row in rows}
    rescored: dict[tuple[int, int], float] = {}
    for call_id, transcript in Call.objects.filter(
        pk__in=call_ids, transcript__isnull=False
    ).values_list("pk", "transcript"):
        assert transcript is not None  # filtered on transcript__isnull=False
        for d in detector.detect(profiles, [(t[0], t[2]) for t in transcript if t[3]]):
            rescored[(call_id, d.key)] = d.score
    pairs = {
        key: [(rescored.get((call_id, key), score), u) for call_id, u, score, _, _ in rows]
        for key, rows in labeled.items()
    }
    _thresholds(out, pairs, detectors.default_threshold(detector))
    return out


_profiles_cache: dict[tuple[int, str], tuple[tuple[Any, ...], list[Any], list[Any]]] = {}


def _learned(program: Program, detector: detectors.Detector) -> tuple[list[Any], list[Any]]:
    """The program's concept texts (with learned thresholds) and the detector's profiles,
    rebuilt only when its labels or concepts changed: a worker scores many calls of one
    program in a row, and learning thresholds re-scores every labeled call."""
    version = (
        Label.objects.filter(call__program=program).aggregate(
            n=Count("id"), last=Max("labeled_at"), top=Max("id")
        ),
        [
            (c.key, c.name, c.description, tuple(c.terms), tuple(c.behaviours))
            for c in _base_texts(program)
        ],
        detector.name,
    )
    key = (program.pk, detector.name)
    hit = _profiles_cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1], hit[2]
    texts = concept_texts(program, detector)
    built = detector.build_profiles(texts)
    _profiles_cache[key] = (version, texts, built)
    return texts, built


def profiles(program: Program, detector: detectors.Detector) -> list[Any]:
    return _learned(program, detector)[1]


@dataclass
class CalibrationRow:
    concept: Concept
    labels: int
    precision: float | None
    recall: float | None
    kappa: float | None

    @property
    def calibrated(self) -> bool:
        return self.labels >= MIN_CALIBRATION_LABELS

    @property
    def validation(self) -> str:
        return CALIBRATION_VALIDATION


CALIBRATION_FOLDS = 5
CALIBRATION_VALIDATION = f"{CALIBRATION_FOLDS}-fold cross-validation by call"


_calibration_cache: dict[tuple[int, str], tuple[tuple[Any, ...], list[CalibrationRow]]] = {}


def calibration(
    program: Program, detector: detectors.Detector | None = None
) -> list[CalibrationRow]:
    """`compute_calibration`, recomputed only when what it reads changed: the program's
    labels, the detections of its labeled calls (re-scoring replaces them), its concepts'
    texts or the detector. Every page showing agreement reads it, and cross-validating
    re-scores every labeled call once per fold."""
    detector = detector or detectors.current()
    version = (
        Label.objects.filter(call__program=program).aggregate(
            n=Count("id"), last=Max("labeled_at"), top=Max("id")
        ),
        Detection.objects.filter(call__program=program, call__labels__isnull=False).aggregate(
            n=Count("id", distinct=True), top=Max("id")
        ),
        [
            (c.key, c.name, c.description, tuple(c.terms), tuple(c.behaviours))
            for c in _base_texts(program)
        ],
    )
    key = (program.pk, detector.name)
    hit = _calibration_cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    rows = compute_calibration(program, detector)
    _calibration_cache[key] = (version, rows)
    return rows


def compute_calibration(
    program: Program, detector: detectors.Detector | None = None
) -> list[CalibrationRow]:
    """Agreement with managers' labels per concept, out of sample: the labeled calls are
    split into CALIBRATION_FOLDS folds (by call); each fold's calls are scored with the
    confirmed examples and thresholds learned from the other folds' labels only. A call
    is scored on its candidate turns as stored with its detections (evidence and best
    turn), so the figures need no transcript and survive the retention sweep."""
    detector = detector or detectors.current()
    labeled = _labeled(program)
    base = _base_texts(program)
    candidates: dict[int, list[str]] = defaultdict(list)
    for rows in labeled.values():
        for call_id, _, _, best, evidence in rows:
            candidates[call_id] += [e["text"] for e in evidence] + ([best] if best else [])
    for call_id, best, evidence in Detection.objects.filter(
        call_id__in=list(candidates)
    ).values_list("call_id", "best_turn", "evidence"):
        candidates[call_id] += [e["text"] for e in evidence] + ([best] if best else [])
    calls = sorted(candidates)
    folds = min(CALIBRATION_FOLDS, len(calls))
    pairs: dict[int, list[tuple[bool, bool]]] = defaultdict(list)
    default = detectors.default_threshold(detector)
    for fold in range(folds):
        test = {c for i, c in enumerate(calls) if i % folds == fold}
        train = set(calls) - test
        texts = _with_examples(base, labeled, train)
        profiles = detector.build_profiles(texts)
        score: dict[tuple[int, int], float] = {}
        for call_id in calls:
            turns = list(dict.fromkeys(candidates[call_id]))
            per_turn = detector.score_texts(profiles, turns) if turns else []
            for j, t in enumerate(texts):
                score[(call_id, t.key)] = max((row[j] for row in per_turn), default=0.0)
        train_pairs = {
            key: [(score[(c, key)], u) for c, u, _, _, _ in rows if c in train]
            for key, rows in labeled.items()
        }
        _thresholds(texts, train_pairs, default)
        cuts = {t.key: t.threshold for t in texts}
        for key, rows in labeled.items():
            if key in cuts:
                pairs[key] += [
                    (score[(c, key)] >= cuts[key], u) for c, u, _, _, _ in rows if c in test
                ]
    out = []
    for c in program.concepts.all():
        a = detect.agreement(pairs.get(c.pk, []))
        out.append(CalibrationRow(c, a.labels, a.precision, a.recall, a.kappa))
    return out


def calls_of(calls: QuerySet[Call], *, program: Program | None = None) -> QuerySet[Call]:
    if program is not None:
        calls = calls.filter(program=program)
    return calls.select_related("rep", "program").prefetch_related("detections__concept", "labels")


def detections_with_labels(call: Call) -> list[dict[str, Any]]:
    labels = {lab.concept_id: lab.used for lab in call.labels.all()}
    return [
        {"detection": d, "concept": d.concept, "label": labels.get(d.concept_id)}
        for d in call.detections.all()
    ]


def trained_on(program: Program, reps: Collection[int] | None = None) -> dict[int, dt.date]:
    """Each enrolled person's training day (of `reps` only, when given)."""
    enrollments = program.enrollments.filter(trained_on__isnull=False)
    if reps is not None:
        enrollments = enrollments.filter(person_id__in=list(reps))
    return {
        person_id: day
        for person_id, day in enrollments.values_list("person_id", "trained_on")
        if day is not None
    }


def adoption_rows(program: Program, calls: QuerySet[Call]) -> list[dict[str, Any]]:
    """Share of calls using each concept, by week since the rep's training (reps without a
    training day left out). Counted in the database per concept, training day and call
    day, so Python sees at most concepts x cohorts x days with calls, never each call."""
    concepts = {c.pk: c for c in program.concepts.all()}
    cells = (
        Detection.objects.filter(
            call__in=calls.filter(program=program, status=CallStatus.DONE),
            call__rep__enrollments__program=program,
            call__rep__enrollments__trained_on__isnull=False,
        )
        .order_by()
        .values_list("concept_id", "call__rep__enrollments__trained_on", "call__date")
        .annotate(total=Count("id"), used=Count("id", filter=Q(used=True)))
    )
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for concept_id, start, date, total, used in cells:
        cell = counts[(concept_id, (date - start).days // 7)]
        cell[0] += used
        cell[1] += total
    rows = [
        {
            "concept": concepts[k].name,
            "position": concepts[k].position,
            "week": w,
            "share": round(u / t, 3),
            "calls": t,
        }
        for (k, w), (u, t) in counts.items()
    ]
    return sorted(rows, key=lambda r: (r["week"], r["position"], r["concept"]))


def concept_shares(program: Program, calls: QuerySet[Call]) -> list[dict[str, Any]]:
    """Per concept: calls scored, share using it (all weeks)."""
    rows = (
        Detection.objects.filter(call__in=calls.filter(program=program, status=CallStatus.DONE))
        .values("concept_id")
        .annotate(total=Count("id"), used=Count("id", filter=Q(used=True)))
    )
    by = {r["concept_id"]: r for r in rows}
    out = []
    for c in program.concepts.all():
        r = by.get(c.pk, {"total": 0, "used": 0})
        out.append(
            {
                "concept": c,
                "calls": r["total"],
                "share": r["used"] / r["total"] if r["total"] else None,
            }
        )
    return out


def reps_with_calls(program: Program) -> int:
    return Call.objects.filter(program=program).values("rep_id").distinct().count()


def plan_phases(
    program: Program, reps: Collection[int] | None = None
) -> dict[int, list[tuple[dt.date, dt.date, int]]]:
    """Per rep (of `reps` only, when given): (first day, last day, concept) of each phase
    of her 90-day plan."""
    from sustain.plans.models import Phase

    out: dict[int, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    ends: dict[int, dt.date] = {}
    rows = Phase.objects.filter(plan__program=program).order_by("plan_id", "position")
    if reps is not None:
        rows = rows.filter(plan__rep_id__in=list(reps))
    for rep_id, plan_id, start, days, concept_id in rows.values_list(
        "plan__rep_id", "plan_id", "plan__start", "days", "concept_id"
    ):
        first = ends.get(plan_id, start)
        ends[plan_id] = first + dt.timedelta(days=days)
        out[rep_id].append((first, ends[plan_id] - dt.timedelta(days=1), concept_id))
    return out


REVIEW_CANDIDATES = 500


def review_queue(program: Program, calls: QuerySet[Call], *, limit: int = 20) -> list[Call]:
    """Calls most worth a manager's time: unconfirmed detections nearest their threshold
    (where a label teaches the detector most), the concept of the rep's current 90-day
    plan phase not seen, concepts the rep has not yet been seen using, and reps in their
    first 90 days after the workshop. Ranks the latest REVIEW_CANDIDATES scored calls from
    their detections' and labels' values; only the `limit` chosen are loaded as calls."""
    cuts: dict[int, float] = {c.key: c.threshold for c in _learned(program, detectors.current())[0]}
    candidates = list(
        calls.filter(program=program, status=CallStatus.DONE)
        .order_by("-date", "-id")
        .values_list("pk", "rep_id", "date")[:REVIEW_CANDIDATES]
    )
    ids = [pk for pk, _, _ in candidates]
    detections: dict[int, list[tuple[int, float, bool]]] = defaultdict(list)
    for call_id, concept_id, score, used in Detection.objects.filter(call_id__in=ids).values_list(
        "call_id", "concept_id", "score", "used"
    ):
        detections[call_id].append((concept_id, score, used))
    labeled: dict[int, set[int]] = defaultdict(set)
    for call_id, concept_id in Label.objects.filter(call_id__in=ids).values_list(
        "call_id", "concept_id"
    ):
        labeled[call_id].add(concept_id)
    # Only the candidates' reps: the program may have many more.
    reps = {rep_id for _, rep_id, _ in candidates}
    trained = trained_on(program, reps)
    phases = plan_phases(program, reps)
    adopted: dict[int, set[int]] = defaultdict(set)
    for pk, rep_id, _ in candidates:
        adopted[rep_id] |= {k for k, _, used in detections[pk] if used}

    def worth(pk: int, rep_id: int, date: dt.date) -> float:
        open_ = [d for d in detections[pk] if d[0] not in labeled[pk]]
        if not open_:
            return -1.0
        margin = min(abs(score - cuts.get(k, detect.DEFAULT_THRESHOLD)) for k, score, _ in open_)
        value = 1.0 - min(margin * 4, 1.0)
        value += 0.5 * sum(k not in adopted[rep_id] for k, _, _ in open_) / len(open_)
        in_phase = {k for first, last, k in phases.get(rep_id, []) if first <= date <= last}
        if any(k in in_phase and not used for k, _, used in open_):
            value += 0.6
        start = trained.get(rep_id)
        if start is not None and 0 <= (date - start).days <= 90:
            value += 0.3
        return value

    # A stable sort: equally worth it, the later call first.
    ranked = sorted(((worth(*c), c[0]) for c in candidates), key=lambda wc: -wc[0])
    chosen = [pk for w, pk in ranked if w >= 0][:limit]
    loaded = Call.objects.select_related("rep", "program").in_bulk(chosen)
    return [loaded[pk] for pk in chosen]


def adopter_attribute(org: Organization, on: dt.date) -> dict[int, str]:
    """A rep is an adopter when at least half her calls of the last 90 days show a
    concept of a program; reps without scored calls are "no calls"."""
    since = on - dt.timedelta(days=ADOPTER_WINDOW_DAYS)
    per_call = (
        Call.objects.filter(organization=org, status=CallStatus.DONE, date__gt=since, date__lte=on)
        .annotate(used=Count("detections", filter=Q(detections__used=True)))
        .values_list("rep_id", "used")
    )
    calls: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for rep_id, used in per_call:
        calls[rep_id][0] += int(used > 0)
        calls[rep_id][1] += 1
    reps = Person.objects.filter(organization=org, role=Role.REP).values_list("pk", flat=True)
    return {
        pk: (
            "no calls"
            if pk not in calls
            else "adopter"
            if calls[pk][0] * 2 >= calls[pk][1]
            else "not adopter"
        )
        for pk in reps
    }


def team_weekly_adoption(
    program: Program, day: dt.date, weeks: int
) -> tuple[dict[int, list[float | None]], bool]:
    """Per team, the share of its reps' scored calls in each of the last `weeks` 7-day
    windows ending on `day` (oldest first; None for a week without calls) that show at
    least one calibrated concept — or, while no concept is calibrated, any concept (the
    second value says which: True = calibrated concepts)."""
    calibrated = [r.concept.pk for r in calibration(program) if r.calibrated]
    concepts = calibrated or list(program.concepts.values_list("pk", flat=True))
    start = day - dt.timedelta(days=7 * weeks - 1)
    rows = (
        Call.objects.filter(
            program=program,
            status=CallStatus.DONE,
            date__gte=start,
            date__lte=day,
            rep__team__isnull=False,
        )
        .annotate(
            hit=Exists(
                Detection.objects.filter(call=OuterRef("pk"), used=True, concept_id__in=concepts)
            )
        )
        # Counted per team and day in the database: Python sees teams x days, not calls.
        .order_by()
        .values_list("rep__team_id", "date")
        .annotate(n=Count("pk"), used=Count("pk", filter=Q(hit=True)))
    )
    counts: dict[int, list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(weeks)])
    for team_id, date, n, used in rows:
        week = weeks - 1 - (day - date).days // 7
        counts[team_id][week][0] += n
        counts[team_id][week][1] += used
    shares = {
        team: [used / n if n else None for n, used in per_week] for team, per_week in counts.items()
    }
    return shares, bool(calibrated)
