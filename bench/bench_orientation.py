"""Group placement benchmark: 1,000 people into 500 services under capacity and safe-distance
constraints. Reports the optimiser's placements against the upper bound (total eligible
capacity) and against a greedy baseline measured in the same run, with timings.

    python bench/bench_orientation.py [--people 1000] [--services 500] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("BALISE_ENV", "test")

#: Rough bounding box of metropolitan France.
LAT = (42.5, 51.0)
LON = (-4.5, 8.0)
REGIONS = [f"R{i:02d}" for i in range(13)]
FORMS = ["sexual", "forced_labour", "domestic_servitude", "forced_begging", "forced_criminality"]
LANGS = ["fr", "en", "ro", "ar", "es", "zh", "bg", "pt"]


def make_instance(people: int, services: int, seed: int):  # noqa: ANN201
    from balise.orientation.placement import PersonNeed, ServiceSlot

    rng = random.Random(seed)
    slots = []
    for j in range(services):
        kind = "shelter" if rng.random() < 0.7 else rng.choice(["child_protection", "shelter"])
        slots.append(
            ServiceSlot(
                key=f"s{j}",
                kind=kind,
                latitude=rng.uniform(*LAT),
                longitude=rng.uniform(*LON),
                region=rng.choice(REGIONS),
                accepts_adults=kind == "shelter",
                accepts_minors=kind == "child_protection" or rng.random() < 0.1,
                accepts_women=rng.random() < 0.9,
                accepts_men=rng.random() < 0.5,
                accepts_families=rng.random() < 0.3,
                exploitation_forms=rng.sample(FORMS, 2) if rng.random() < 0.3 else [],
                languages=["fr", *rng.sample(LANGS[1:], 2)],
                capacity=rng.choice([0, 1, 1, 2, 2, 3]),
            )
        )
    # A few hot spots (operations free many victims in one place).
    hotspots = [(rng.uniform(*LAT), rng.uniform(*LON)) for _ in range(12)]
    persons = []
    for i in range(people):
        h = rng.choice(hotspots)
        danger = [(h[0] + rng.gauss(0, 0.2), h[1] + rng.gauss(0, 0.2))]
        if rng.random() < 0.4:
            danger.append(rng.choice(hotspots))
        persons.append(
            PersonNeed(
                key=f"p{i}",
                need="shelter",
                minor=rng.random() < 0.12,
                gender=rng.choice(["feminine", "feminine", "masculine", "unknown"]),
                family=rng.random() < 0.1,
                languages=[rng.choice(LANGS)],
                exploitation_forms=[rng.choice(FORMS)],
                danger_points=danger,
                safe_relocation=True,
                min_distance_km=rng.choice([150.0, 200.0, 250.0]),
                avoid_regions=[rng.choice(REGIONS)] if rng.random() < 0.2 else [],
            )
        )
    return persons, slots


def main(argv: list[str] | None = None) -> int:
    import django

    django.setup()
    from balise.orientation.placement import greedy_assign, optimal_assign

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--services", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds allowed")
    args = parser.parse_args(argv)

    people, services = make_instance(args.people, args.services, args.seed)
    capacity = sum(s.capacity or 0 for s in services)

    t0 = time.perf_counter()
    greedy = greedy_assign(people, services)
    t_greedy = time.perf_counter() - t0
    t0 = time.perf_counter()
    best = optimal_assign(people, services)
    t_best = time.perf_counter() - t0

    def check(a) -> None:  # noqa: ANN001
        used: dict[str, int] = {}
        for s in a.placements.values():
            used[s] = used.get(s, 0) + 1
        caps = {s.key: s.capacity for s in services}
        assert all(n <= caps[k] for k, n in used.items()), "capacity exceeded"

    check(greedy)
    check(best)
    placed, bound, g = len(best.placements), best.upper_bound, len(greedy.placements)
    print(f"instance: {args.people} people, {args.services} services, {capacity} places,")
    print(f"          {best.eligible_pairs} eligible (person, service) pairs")
    print(f"upper bound (total eligible capacity): {bound}")
    print(f"optimiser ({best.solver}): {placed} placed in {t_best:.2f} s")
    print(f"greedy baseline:        {g} placed in {t_greedy:.2f} s")
    print(f"optimiser / upper bound: {placed / bound:.3f}")
    print(f"optimiser / greedy:      {placed / g:.3f} (+{placed - g} people placed)")
    print(f"unplaced with an explanation: {len(best.unplaced)}")
    ok = t_best < args.budget and placed >= g
    print(f"within budget ({args.budget:.1f} s): {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
