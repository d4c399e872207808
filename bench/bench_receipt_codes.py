"""Receipt codes and proof-of-work of the anonymous public report.

What it shows, each against a baseline measured in the same run:

1. Opening a report with its receipt code costs the same whatever the number of reports
   (O(1): one index look-up on the lookup prefix, one Argon2id verification). Baseline: a plain
   indexed ORM fetch by prefix. Ratios: open time at N_large / open time at N_small (≈ 1), and
   open time / plain fetch (the price of the slow hash, paid once per visit).
2. A wrong code takes as long as a right one (ratio ≈ 1), so timing reveals nothing.
3. The proof-of-work is asymmetric: the server checks a solution in microseconds while the
   client searches ~2^difficulty hashes (Python's hashlib here, a floor for the browser's
   JavaScript). Ratio: solve time / check time.

Argon2id runs with the production default (2 passes, 19 MiB, 1 lane). Uses a throwaway
SQLite database in a temporary directory, or DATABASE_URL if given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup(var_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["BALISE_ENV"] = "test"
    os.environ["BALISE_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    if "DATABASE_URL" not in os.environ:
        settings.DATABASES["default"]["NAME"] = str(Path(var_dir) / "bench.sqlite3")
    settings.BALISE_RECEIPT_ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _fill(total: int) -> None:
    """Bring the table to ``total`` reports (rows with real-looking hashes of random codes)."""
    from balise.public_reports import receipt
    from balise.public_reports.models import PublicReport

    existing = PublicReport.objects.count()
    fake_hash = receipt.hash_code("0" * receipt.CODE_LENGTH)  # verifying rows is not measured
    batch = []
    seen = set(PublicReport.objects.values_list("lookup_prefix", flat=True))
    while existing + len(batch) < total:
        prefix = receipt.normalise_code(receipt.generate_code())[:5]
        if prefix in seen:
            continue
        seen.add(prefix)
        batch.append(
            PublicReport(lookup_prefix=prefix, code_hash=fake_hash, language="fr", what="bench")
        )
        if len(batch) == 2000:
            PublicReport.objects.bulk_create(batch)
            existing += len(batch)
            batch = []
    PublicReport.objects.bulk_create(batch)


def _time(fn, repeat: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--difficulty", type=int, default=18)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as var_dir:
        _setup(var_dir)
        from balise.public_reports import pow as proof_of_work
        from balise.public_reports import services
        from balise.public_reports.models import PublicReport

        payload = {"n": "bench-" + os.urandom(8).hex(), "t": int(time.time()), "d": 0}
        submitted = services.public_report_submit(pow_payload=payload, language="fr", what="x")
        code, prefix = submitted.code, submitted.report.lookup_prefix
        wrong = code[:-1] + ("0" if code[-1] != "0" else "1")

        results = {}
        for size in (args.small, args.large):
            _fill(size)
            # Interleaved so that machine noise hits all three alike; min is the least noisy.
            opened, plain, refused = [], [], []
            for _ in range(args.repeat):
                opened += _time(lambda: services.public_report_open(code=code), 1)
                plain += _time(lambda: PublicReport.objects.filter(lookup_prefix=prefix).first(), 1)
                refused += _time(lambda: services.public_report_open(code=wrong), 1)
            results[size] = (min(opened), min(plain), min(refused))
            open_ms, plain_ms, wrong_ms = (value * 1000 for value in results[size])
            print(
                f"N={size:>6} (min of {args.repeat}): open {open_ms:7.1f} ms | "
                f"plain indexed fetch {plain_ms:6.2f} ms | wrong code {wrong_ms:7.1f} ms"
            )
        small, large = results[args.small], results[args.large]
        print(f"open time N={args.large} / N={args.small}: {large[0] / small[0]:.2f} (O(1) ≈ 1)")
        print(f"plain fetch N={args.large} / N={args.small}: {large[1] / small[1]:.2f}")
        print(f"open / plain indexed fetch (price of Argon2id): {large[0] / large[1]:.0f}x")
        print(f"wrong code / right code: {large[2] / large[0]:.2f} (timing reveals nothing ≈ 1)")

        os.environ["BALISE_POW_DIFFICULTY"] = str(args.difficulty)
        from django.conf import settings

        settings.BALISE_POW_DIFFICULTY = args.difficulty
        solves, checks = [], []
        for _ in range(5):
            challenge = proof_of_work.issue_challenge()
            started = time.perf_counter()
            solution = proof_of_work.solve(challenge.token, challenge.difficulty)
            solves.append(time.perf_counter() - started)
            started = time.perf_counter()
            proof_of_work.check(challenge.token, solution)
            checks.append(time.perf_counter() - started)
        solve, check = statistics.median(solves), min(checks)
        print(
            f"proof-of-work at {args.difficulty} bits: client solve {solve * 1000:.0f} ms "
            f"(median of 5, Python hashlib), server check (min) {check * 1e6:.0f} µs; "
            f"asymmetry {solve / check:,.0f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
