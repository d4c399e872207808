"""Benchmark: all standard tables with disclosure control for one million persons.

Generates a synthetic pseudonymised projection (not timed), then measures in the same run:

* baseline: a plain DuckDB group-by of the same tables (every cell and margin, no protection);
* full: the release as published: categories fixed, the same counts, threshold, rounding,
  secondary suppression (or cell-key perturbation), the LP audit loop, delays, and the
  independent audit of the finished release.

Prints both wall times and their ratio. Target: full under 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--method", choices=["secondary_suppression", "cell_key"],
                        default="secondary_suppression")  # fmt: skip
    parser.add_argument("--budget", type=float, default=30.0, help="seconds allowed")
    parser.add_argument("--repeat", type=int, default=2, help="alternated measurements")
    args = parser.parse_args(argv)

    from balise.observatory.statistics import tables as t
    from balise.observatory.statistics.config import DisclosureConfig
    from balise.observatory.statistics.generate import generate_projection
    from balise.observatory.statistics.release import build_release, connect_period

    config = DisclosureConfig(method=args.method)
    specs = t.standard_tables()

    started = time.perf_counter()
    projection = generate_projection(args.persons, seed=args.seed)
    print(f"generated {projection.num_rows:,} persons in {time.perf_counter() - started:.1f} s")

    def plain_group_by() -> tuple[float, float, int]:
        """The same tables, plain DuckDB GROUPING SETS, no disclosure control."""
        wall, cpu = time.perf_counter(), time.process_time()
        con = connect_period(projection, 2025)
        context = t.release_context(con, config)
        counted = t.count_tables(con, specs, context, config)
        con.close()
        cells = sum(len(table.cells) for table in counted)
        return time.perf_counter() - wall, time.process_time() - cpu, cells

    def protected() -> tuple[float, float, object, dict[str, float]]:
        timings: dict[str, float] = {}
        wall, cpu = time.perf_counter(), time.process_time()
        release = build_release(projection, config, year=2025, timings=timings)
        return time.perf_counter() - wall, time.process_time() - cpu, release, timings

    # Alternate the two measurements and keep the best of each (shared machines are noisy).
    baselines, fulls = [], []
    for _ in range(args.repeat):
        baselines.append(plain_group_by())
        fulls.append(protected())
    baseline, baseline_cpu, cells = min(baselines, key=lambda r: r[0])
    full, full_cpu, release, timings = min(fulls, key=lambda r: r[0])

    statuses = collections.Counter(c.status for table in release.tables for c in table.cells)
    print(f"tables: {len(release.tables)} count tables + {len(release.delays)} delay table, "
          f"{cells:,} cells (margins included)")  # fmt: skip
    print(f"cells: {dict(statuses)}")
    print(f"audit: passed={release.audit.passed}, suppressed cells checked="
          f"{release.audit.checked}, narrowest interval={release.audit.narrowest}")  # fmt: skip
    print(f"baseline (plain DuckDB group-by): {baseline:.2f} s wall, {baseline_cpu:.2f} s CPU")
    print(f"full (disclosure control + audit): {full:.2f} s wall, {full_cpu:.2f} s CPU")
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    print(f"ratio full / baseline: {full / baseline:.2f} wall, {full_cpu / baseline_cpu:.2f} CPU")
    within = full <= args.budget
    print(f"target {args.budget:.0f} s: {'met' if within else 'MISSED'}")
    return 0 if within and release.audit.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
