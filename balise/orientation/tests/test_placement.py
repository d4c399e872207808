"""Suggestions for one person and the optimal assignment of a group."""

from __future__ import annotations

import pytest

from balise.directory.geo import haversine_km
from balise.orientation.placement import (
    PersonNeed,
    ServiceSlot,
    greedy_assign,
    optimal_assign,
    suggest,
)

PARIS = (48.8566, 2.3522)
LYON = (45.7640, 4.8357)
BORDEAUX = (44.8378, -0.5792)
LILLE = (50.6292, 3.0573)
VERSAILLES = (48.8049, 2.1204)


def slot(key: str, where: tuple[float, float], capacity: int | None = 2, **kw) -> ServiceSlot:
    kw.setdefault("kind", "shelter")
    return ServiceSlot(key=key, latitude=where[0], longitude=where[1], capacity=capacity, **kw)


def person(key: str, danger=(PARIS,), **kw) -> PersonNeed:
    kw.setdefault("safe_relocation", True)
    kw.setdefault("min_distance_km", 200)
    return PersonNeed(key=key, danger_points=list(danger), **kw)


def test_haversine_paris_lyon():
    assert haversine_km(*PARIS, *LYON) == pytest.approx(392, abs=3)


def test_suggestions_respect_distance_capacity_and_eligibility():
    services = [
        slot("versailles", VERSAILLES, region="Île-de-France"),
        slot("lyon", LYON, languages=["en"], region="ARA"),
        slot("bordeaux", BORDEAUX, languages=["fr"], region="NA"),
        slot("lille-full", LILLE, capacity=0),
        slot("lille-men", LILLE, accepts_women=False),
        slot("lyon-legal", LYON, kind="legal_aid"),
    ]
    p = person("p", gender="feminine", languages=["en"])
    keys = [s.service.key for s in suggest(p, services)]
    assert keys == ["lyon", "bordeaux"]  # common language first; Versailles too close
    # The exploiters' known location also counts.
    p2 = person("p2", danger=(PARIS, LYON), gender="feminine")
    assert [s.service.key for s in suggest(p2, services)] == ["bordeaux"]
    # Without safe relocation the nearby shelter is fine; wishes rank it first.
    p3 = PersonNeed(key="p3", gender="feminine", preferred_regions=["Île-de-France"])
    assert suggest(p3, services)[0].service.key == "versailles"
    # Avoided regions are excluded.
    p4 = PersonNeed(key="p4", gender="feminine", avoid_regions=["Île-de-France", "ARA"])
    assert [s.service.key for s in suggest(p4, services)] == ["bordeaux"]


def test_children_go_where_children_are_accepted():
    services = [slot("adults", BORDEAUX), slot("children", LYON, accepts_minors=True)]
    assert [s.service.key for s in suggest(person("c", minor=True), services)] == ["children"]


def test_the_optimiser_places_more_than_greedy_and_explains_the_others():
    # Greedy gives Lyon (best language) to A, leaving B (who can only go to Lyon) without
    # a place; the optimiser sends A to Bordeaux instead.
    services = [
        slot("lyon", LYON, capacity=1, languages=["en"]),
        slot("bordeaux", BORDEAUX, capacity=1, languages=["fr"]),
    ]
    a = person("A", languages=["en"])
    b = person("B", danger=(PARIS, BORDEAUX))
    c = person("C", minor=True)  # nobody takes children
    greedy = greedy_assign([a, b, c], services)
    best = optimal_assign([a, b, c], services)
    assert len(greedy.placements) == 1
    assert best.placements == {"A": "bordeaux", "B": "lyon"}
    assert best.upper_bound == 2
    assert set(best.unplaced) == {"C"}
    assert "age" in best.unplaced["C"]


def test_competition_for_places_is_explained():
    services = [slot("lyon", LYON, capacity=1)]
    best = optimal_assign([person("A"), person("B")], services)
    assert len(best.placements) == 1
    (unplaced,) = best.unplaced.values()
    assert "filled by others" in unplaced


def test_distance_explanation():
    best = optimal_assign([person("A", min_distance_km=900)], [slot("lyon", LYON)])
    assert best.placements == {}
    assert "far enough" in best.unplaced["A"]


def test_non_residential_services_have_no_place_limit():
    services = [slot("legal", LYON, capacity=None, kind="legal_aid")]
    people = [person(str(i), need="legal") for i in range(5)]
    assert len(optimal_assign(people, services).placements) == 5
