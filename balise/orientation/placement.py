"""Placement suggestions for one person, and the assignment of many people at once.

Both work on plain descriptions (:class:`PersonNeed`, :class:`ServiceSlot`) so that they can be
tested and benchmarked without a database. Eligibility is a set of hard rules (kind of service
for the need, age, sex, families, forms of exploitation, accessibility, regions the person wants
to avoid, free places, and for a safe relocation a minimum distance from every place of
exploitation and known location of the exploiters). Preferences (a common language, a wished
region, distance margin) only rank eligible services.

The assignment of a group maximises the number of people placed under capacity and eligibility
with a linear programme solved by HiGHS. The constraint matrix of this b-matching problem is
totally unimodular, so the optimal vertex is integral; the solution is checked and, should it
not be, solved again as an integer programme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from balise.codelists.lists import SupportType
from balise.directory.enums import ServiceKind
from balise.directory.geo import EARTH_RADIUS_KM, haversine_km

#: Kinds of service that meet each need.
KINDS_FOR_NEED: dict[str, frozenset[str]] = {
    SupportType.SHELTER: frozenset({ServiceKind.SHELTER}),
    SupportType.HEALTH: frozenset({ServiceKind.HEALTH}),
    SupportType.PSYCHOLOGICAL: frozenset({ServiceKind.PSYCHOLOGICAL, ServiceKind.HEALTH}),
    SupportType.LEGAL: frozenset({ServiceKind.LEGAL_AID, ServiceKind.SPECIALISED_ASSOCIATION}),
    SupportType.LANGUAGE: frozenset({ServiceKind.INTERPRETER}),
    SupportType.REPATRIATION: frozenset({ServiceKind.REPATRIATION}),
    SupportType.GUARDIAN: frozenset({ServiceKind.CHILD_PROTECTION}),
}
DEFAULT_KINDS = frozenset({ServiceKind.SPECIALISED_ASSOCIATION})

WOMEN = frozenset({"feminine", "trans_feminine"})
MEN = frozenset({"masculine", "trans_masculine"})


def kinds_for(need: str, *, minor: bool) -> frozenset[str]:
    kinds = KINDS_FOR_NEED.get(need, DEFAULT_KINDS)
    if minor and need == SupportType.SHELTER:
        kinds = kinds | {ServiceKind.CHILD_PROTECTION}
    return kinds


@dataclass
class PersonNeed:
    key: str
    need: str = SupportType.SHELTER
    minor: bool = False
    gender: str = "unknown"
    family: bool = False
    wheelchair: bool = False
    languages: Sequence[str] = ()
    exploitation_forms: Sequence[str] = ()
    danger_points: Sequence[tuple[float, float]] = ()
    safe_relocation: bool = False
    min_distance_km: float = 0.0
    preferred_regions: Sequence[str] = ()
    avoid_regions: Sequence[str] = ()


@dataclass
class ServiceSlot:
    key: str
    kind: str
    latitude: float
    longitude: float
    region: str = ""
    name: str = ""
    accepts_adults: bool = True
    accepts_minors: bool = False
    accepts_women: bool = True
    accepts_men: bool = True
    accepts_families: bool = False
    wheelchair_accessible: bool = False
    exploitation_forms: Sequence[str] = ()
    languages: Sequence[str] = ()
    capacity: int | None = None  # free places; None = no place limit (non-residential)
    active: bool = True

    @classmethod
    def from_service(cls, s) -> ServiceSlot:  # noqa: ANN001
        return cls(
            key=str(s.pk),
            kind=s.kind,
            latitude=s.latitude,
            longitude=s.longitude,
            region=s.region,
            name=s.name,
            accepts_adults=s.accepts_adults,
            accepts_minors=s.accepts_minors,
            accepts_women=s.accepts_women,
            accepts_men=s.accepts_men,
            accepts_families=s.accepts_families,
            wheelchair_accessible=s.wheelchair_accessible,
            exploitation_forms=list(s.exploitation_forms or []),
            languages=list(s.languages or []),
            capacity=s.places_free if s.has_places else None,
            active=s.is_active,
        )


#: Hard rules in the order in which an explanation names them.
RULES: tuple[tuple[str, str], ...] = (
    ("kind", "no service of the kind this need calls for"),
    ("age", "no such service takes a person of this age"),
    ("gender", "no such service takes a person of this sex"),
    ("family", "no such service takes families"),
    ("forms", "no such service works with this form of exploitation"),
    ("access", "no such service is wheelchair accessible"),
    ("region", "the remaining services are all in regions the person wants to avoid"),
    ("distance", "no such service is far enough from the places of danger"),
    ("capacity", "every such service is full"),
)


def _rule_messages() -> dict[str, str]:
    return {
        "kind": _("No service of the kind this need calls for is open."),
        "age": _("No such service takes a person of this age."),
        "gender": _("No such service takes a person of this sex."),
        "family": _("No such service takes families."),
        "forms": _("No such service works with this form of exploitation."),
        "access": _("No such service is wheelchair accessible."),
        "region": _("The remaining services are all in regions the person wants to avoid."),
        "distance": _("No such service is far enough from the places of danger."),
        "capacity": _("Every such service is full."),
    }


def rule_checks(p: PersonNeed, s: ServiceSlot, distance: float | None) -> dict[str, bool]:
    """Each hard rule: does service ``s`` pass it for person ``p``?"""
    if p.gender in WOMEN:
        gender_ok = s.accepts_women
    elif p.gender in MEN:
        gender_ok = s.accepts_men
    else:
        gender_ok = s.accepts_women or s.accepts_men
    return {
        "kind": s.active and s.kind in kinds_for(p.need, minor=p.minor),
        "age": s.accepts_minors if p.minor else s.accepts_adults,
        "gender": gender_ok,
        "family": s.accepts_families or not p.family,
        "forms": not s.exploitation_forms
        or not p.exploitation_forms
        or bool(set(s.exploitation_forms) & set(p.exploitation_forms)),
        "access": s.wheelchair_accessible or not p.wheelchair,
        "region": s.region not in set(p.avoid_regions),
        "distance": not p.safe_relocation
        or (distance is not None and distance >= p.min_distance_km),
        "capacity": s.capacity is None or s.capacity > 0,
    }


def preference_score(p: PersonNeed, s: ServiceSlot, distance: float | None) -> float:
    """Between 0 and 10: a common language (4), a wished region (3), a margin over the safe
    distance without being sent to the other end of the country (up to 2), free places (1)."""
    score = 0.0
    if not p.languages or set(p.languages) & set(s.languages):
        score += 4
    if s.region and s.region in set(p.preferred_regions):
        score += 3
    if p.safe_relocation and distance is not None and p.min_distance_km > 0:
        margin = (distance - p.min_distance_km) / p.min_distance_km
        score += 2 * max(0.0, 1 - abs(margin - 0.5))
    elif not p.safe_relocation:
        score += 2
    if s.capacity is None or s.capacity > 1:
        score += 1
    return score


@dataclass
class Suggestion:
    service: ServiceSlot
    score: float
    distance_km: float | None
    language_match: bool


def suggest(p: PersonNeed, services: Sequence[ServiceSlot], limit: int = 20) -> list[Suggestion]:
    """The services that can take the person now, best first."""
    out = []
    for s in services:
        distance = _nearest(s, p.danger_points)
        if all(rule_checks(p, s, distance).values()):
            out.append(
                Suggestion(
                    service=s,
                    score=preference_score(p, s, distance),
                    distance_km=distance,
                    language_match=not p.languages or bool(set(p.languages) & set(s.languages)),
                )
            )
    out.sort(key=lambda x: (-x.score, -(x.service.capacity or 10**6), x.service.name))
    return out[:limit]


def explain_ineligible(p: PersonNeed, services: Sequence[ServiceSlot]) -> str:
    """Why no service can take the person: the first rule after which none remains."""
    remaining = [(s, _nearest(s, p.danger_points)) for s in services]
    messages = _rule_messages()
    for rule, _default in RULES:
        remaining = [(s, d) for s, d in remaining if rule_checks(p, s, d)[rule]]
        if not remaining:
            return messages[rule]
    return ""


def _nearest(s: ServiceSlot, points: Sequence[tuple[float, float]]) -> float | None:
    if not points:
        return None
    return min(haversine_km(s.latitude, s.longitude, a, b) for a, b in points)


# -- group assignment ---------------------------------------------------------------------
@dataclass
class Assignment:
    placements: dict[str, str]  # person key -> service key
    unplaced: dict[str, str]  # person key -> explanation
    upper_bound: int
    solver: str
    eligible_pairs: int = 0
    objective: float = 0.0
    stats: dict[str, float] = field(default_factory=dict)


def _distance_matrix(people: Sequence[PersonNeed], services: Sequence[ServiceSlot]) -> np.ndarray:
    """Distance from each service to each person's nearest place of danger (inf when none)."""
    n, m = len(people), len(services)
    out = np.full((n, m), np.inf)
    if not m:
        return out
    slat = np.radians(np.array([s.latitude for s in services]))
    slon = np.radians(np.array([s.longitude for s in services]))
    owners, plat, plon = [], [], []
    for i, p in enumerate(people):
        for a, b in p.danger_points:
            owners.append(i)
            plat.append(a)
            plon.append(b)
    if not owners:
        return out
    plat_r = np.radians(np.array(plat))[:, None]
    plon_r = np.radians(np.array(plon))[:, None]
    h = (
        np.sin((slat[None, :] - plat_r) / 2) ** 2
        + np.cos(plat_r) * np.cos(slat[None, :]) * np.sin((slon[None, :] - plon_r) / 2) ** 2
    )
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    np.minimum.at(out, np.array(owners), d)
    return out


def eligibility_matrix(
    people: Sequence[PersonNeed], services: Sequence[ServiceSlot]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(eligible[n, m] bool, score[n, m], distance[n, m]) with every hard rule but capacity
    exhaustion by others (a full service is ineligible)."""
    n, m = len(people), len(services)
    dist = _distance_matrix(people, services)
    cap = np.array([np.inf if s.capacity is None else s.capacity for s in services])
    active = np.array([s.active for s in services], dtype=bool)
    kind = np.array([s.kind for s in services])
    region = np.array([s.region for s in services])
    adults = np.array([s.accepts_adults for s in services])
    minors = np.array([s.accepts_minors for s in services])
    women = np.array([s.accepts_women for s in services])
    men = np.array([s.accepts_men for s in services])
    families = np.array([s.accepts_families for s in services])
    wheel = np.array([s.wheelchair_accessible for s in services])
    any_form = np.array([not s.exploitation_forms for s in services])
    # One boolean column per form and per language, so that a person's test is a vector OR.
    form_cols: dict[str, np.ndarray] = {}
    lang_cols: dict[str, np.ndarray] = {}
    for j, s in enumerate(services):
        for code in s.exploitation_forms:
            form_cols.setdefault(code, np.zeros(m, dtype=bool))[j] = True
        for code in s.languages:
            lang_cols.setdefault(code, np.zeros(m, dtype=bool))[j] = True
    nothing = np.zeros(m, dtype=bool)
    base = active & (cap > 0)
    eligible = np.zeros((n, m), dtype=bool)
    score = np.zeros((n, m))
    for i, p in enumerate(people):
        ok = base & np.isin(kind, list(kinds_for(p.need, minor=p.minor)))
        ok &= minors if p.minor else adults
        if p.gender in WOMEN:
            ok &= women
        elif p.gender in MEN:
            ok &= men
        else:
            ok &= women | men
        if p.family:
            ok &= families
        if p.wheelchair:
            ok &= wheel
        if p.exploitation_forms:
            has = nothing.copy()
            for code in set(p.exploitation_forms):
                has |= form_cols.get(code, nothing)
            ok &= any_form | has
        if p.avoid_regions:
            ok &= ~np.isin(region, list(p.avoid_regions))
        if p.safe_relocation:
            ok &= dist[i] >= p.min_distance_km
        eligible[i] = ok
        # preferences (as in preference_score)
        sc = np.zeros(m)
        if p.languages:
            speaks = nothing.copy()
            for code in set(p.languages):
                speaks |= lang_cols.get(code, nothing)
            sc += 4 * speaks
        else:
            sc += 4
        if p.preferred_regions:
            sc += 3 * np.isin(region, list(p.preferred_regions))
        if p.safe_relocation and p.min_distance_km > 0:
            margin = (dist[i] - p.min_distance_km) / p.min_distance_km
            sc += 2 * np.maximum(0.0, 1 - np.abs(np.where(np.isfinite(margin), margin, 9) - 0.5))
        elif not p.safe_relocation:
            sc += 2
        sc += cap > 1
        score[i] = sc
    return eligible, score, dist


def _upper_bound(eligible: np.ndarray, services: Sequence[ServiceSlot]) -> int:
    """Total eligible capacity: the places of services that can take at least one of the
    people (a non-residential service counts for as many as it is eligible for), capped by
    the number of people who have at least one eligible service."""
    n = eligible.shape[0]
    cols = eligible.sum(axis=0)
    total = 0
    for j, s in enumerate(services):
        if cols[j]:
            total += int(cols[j]) if s.capacity is None else min(int(s.capacity), int(cols[j]))
    return min(total, int(eligible.any(axis=1).sum()), n)


def _explain(
    people: Sequence[PersonNeed],
    services: Sequence[ServiceSlot],
    eligible: np.ndarray,
    unplaced_idx: list[int],
) -> dict[str, str]:
    out = {}
    for i in unplaced_idx:
        p = people[i]
        count = int(eligible[i].sum())
        if count == 0:
            out[p.key] = explain_ineligible(p, services) or _("No service can take this person.")
        else:
            out[p.key] = _(
                "The %(n)d services that could take this person were filled by others in this"
                " group: placing this person would leave someone else without a place."
            ) % {"n": count}
    return out


def greedy_assign(people: Sequence[PersonNeed], services: Sequence[ServiceSlot]) -> Assignment:
    """Baseline: each person in turn takes their best-scored eligible service with a place."""
    eligible, score, _dist = eligibility_matrix(people, services)
    remaining = [np.inf if s.capacity is None else s.capacity for s in services]
    placements: dict[str, str] = {}
    unplaced = []
    for i, p in enumerate(people):
        choices = np.flatnonzero(eligible[i])
        best = None
        for j in choices[np.argsort(-score[i, choices], kind="stable")]:
            if remaining[j] > 0:
                best = j
                break
        if best is None:
            unplaced.append(i)
            continue
        remaining[best] -= 1
        placements[p.key] = services[best].key
    return Assignment(
        placements=placements,
        unplaced=_explain(people, services, eligible, unplaced),
        upper_bound=_upper_bound(eligible, services),
        solver="greedy",
        eligible_pairs=int(eligible.sum()),
    )


def optimal_assign(
    people: Sequence[PersonNeed],
    services: Sequence[ServiceSlot],
    *,
    time_limit: float = 30.0,
) -> Assignment:
    """Maximise the number of people placed, then their preference scores, under capacity."""
    import highspy

    eligible, score, _dist = eligibility_matrix(people, services)
    n, m = eligible.shape
    rows, cols = np.nonzero(eligible)
    k = len(rows)
    upper = _upper_bound(eligible, services)
    if k == 0:
        return Assignment({}, _explain(people, services, eligible, list(range(n))), upper, "highs")
    # Placing someone is worth far more than any preference: weight 100 vs score <= 10.
    weights = 100.0 + score[rows, cols]
    caps = np.array(
        [n if s.capacity is None else min(int(s.capacity), n) for s in services], dtype=float
    )
    # Column-wise sparse matrix: variable t (pair i,j) appears in person row i and service
    # row n + j.
    order = np.arange(k)
    index = np.empty(2 * k, dtype=np.int32)
    index[0::2] = rows
    index[1::2] = n + cols
    start = (2 * order).astype(np.int32)
    values = np.ones(2 * k)

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    # Presolve gains nothing on this bipartite structure and costs most of the time.
    h.setOptionValue("presolve", "off")
    lp = highspy.HighsLp()
    lp.num_col_ = k
    lp.num_row_ = n + m
    lp.col_cost_ = -weights  # HiGHS minimises
    lp.col_lower_ = np.zeros(k)
    lp.col_upper_ = np.ones(k)
    lp.row_lower_ = np.zeros(n + m)
    lp.row_upper_ = np.concatenate([np.ones(n), caps])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.append(start, 2 * k).astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = values
    h.passModel(lp)
    h.run()
    x = np.array(h.getSolution().col_value)
    solver = "highs-lp"
    if np.any(np.abs(x - np.round(x)) > 1e-6):
        h.changeColsIntegrality(
            k, np.arange(k, dtype=np.int32), np.full(k, highspy.HighsVarType.kInteger)
        )
        h.run()
        x = np.array(h.getSolution().col_value)
        solver = "highs-mip"
    chosen = np.flatnonzero(x > 0.5)
    placements = {people[rows[t]].key: services[cols[t]].key for t in chosen}
    unplaced = [i for i, p in enumerate(people) if p.key not in placements]
    return Assignment(
        placements=placements,
        unplaced=_explain(people, services, eligible, unplaced),
        upper_bound=upper,
        solver=solver,
        eligible_pairs=k,
        objective=float(weights[chosen].sum()),
    )


def need_for_person(
    person,  # noqa: ANN001
    *,
    referral=None,  # noqa: ANN001
    need: str = SupportType.SHELTER,
    safe_relocation: bool = False,
    min_distance_km: float | None = None,
    family: bool = False,
    wheelchair: bool = False,
    preferred_regions: Sequence[str] = (),
    avoid_regions: Sequence[str] = (),
) -> PersonNeed:
    """Describe a person (and the referral about them) for the suggestions."""
    from balise.jurisdictions.profiles import get_profile
    from balise.orientation.services import danger_points

    if min_distance_km is None:
        min_distance_km = float(get_profile().safe_relocation_min_km)
    return PersonNeed(
        key=str(person.pk),
        need=need,
        minor=person.is_presumed_minor(),
        gender=person.gender,
        family=family,
        wheelchair=wheelchair,
        languages=list(person.languages or []),
        exploitation_forms=list(referral.exploitation_forms or []) if referral else [],
        danger_points=danger_points(person),
        safe_relocation=safe_relocation,
        min_distance_km=float(min_distance_km),
        preferred_regions=list(preferred_regions),
        avoid_regions=list(avoid_regions),
    )


def directory_slots() -> list[ServiceSlot]:
    from balise.directory.models import Service

    return [ServiceSlot.from_service(s) for s in Service.objects.filter(is_active=True)]
