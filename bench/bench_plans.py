"""Action plan: import of a large measure file and dashboard of a large plan.

Baselines measured in the same run: reading the file alone (for the import), one count query
(for the dashboard). Usage: python -m bench.bench_plans [--rows N] [--repeat R]"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _setup(tmp: Path) -> None:
    os.environ["BALISE_ENV"] = "test"
    os.environ["BALISE_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(fn, repeat: int) -> float:  # noqa: ANN001
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp))
        import datetime
        from decimal import Decimal

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from balise.organisations.enums import OrganisationKind
        from balise.organisations.models import Organisation
        from balise.plans import importing, selectors, services
        from balise.plans.models import Measure, Plan

        coordination = Organisation.objects.create(
            name="Coordination", kind=OrganisationKind.COORDINATION
        )
        bodies = [
            Organisation.objects.create(name=f"Organisme {i}", kind=OrganisationKind.NGO)
            for i in range(20)
        ]
        header = ",".join(importing.COLUMNS)
        lines = [header] + [
            f"{1 + n % 6},Axe {1 + n % 6},{n + 1},Mesure {n + 1},Description,"
            f"{bodies[n % 20].name},{bodies[(n + 1) % 20].name} ; {bodies[(n + 2) % 20].name},"
            f"2024-01-01,2027-12-31,{1000 + n},{n},{'engaged' if n % 5 else 'not_started'}"
            for n in range(args.rows)
        ]
        data = "\n".join(lines).encode()

        def new_plan() -> Plan:
            return services.plan_create(
                acting_user=None,
                coordinating_organisation=coordination,
                title="Plan de banc d'essai",
                period_start=datetime.date(2024, 1, 1),
                period_end=datetime.date(2027, 12, 31),
            )

        read = _timed(lambda: importing.read_rows("m.csv", data), args.repeat)
        plans = []

        def do_import() -> None:
            plan = new_plan()
            result = importing.plan_measures_import(
                acting_user=None, plan=plan, filename="m.csv", data=data
            )
            assert result.ok and result.measures_created == args.rows, result.errors[:3]
            plans.append(plan)

        full = _timed(do_import, args.repeat)
        print(f"import of {args.rows} rows (CSV)")
        print(f"  baseline: read the file only        {read * 1000:9.1f} ms")
        print(
            f"  validate + write all rows (atomic)  {full * 1000:9.1f} ms  "
            f"ratio {full / read:6.1f}x  ({args.rows / full:,.0f} rows/s)"
        )

        plan = plans[-1]
        for m in Measure.objects.filter(plan=plan)[:60]:
            ind = m.indicators.create(name="Indicateur", target_value=Decimal(100))
            for year in (2024, 2025, 2026):
                ind.values.create(date=datetime.date(year, 6, 30), value=Decimal(year - 2000))
            m.milestones.create(title="Étape", due_date=datetime.date(2025, 1, 1))
        today = datetime.date(2026, 6, 1)
        base = _timed(lambda: Measure.objects.filter(plan=plan).count(), args.repeat)
        dash = _timed(lambda: selectors.plan_dashboard(plan, on_date=today), args.repeat)
        with CaptureQueriesContext(connection) as queries:
            selectors.plan_dashboard(plan, on_date=today)
        print(f"dashboard of a {args.rows}-measure plan with 60 indicators and 60 milestones")
        print(f"  baseline: one count query           {base * 1000:9.2f} ms")
        print(
            f"  dashboard (status x axis, late, series) {dash * 1000:6.2f} ms  "
            f"ratio {dash / base:6.1f}x  ({len(queries)} queries)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
