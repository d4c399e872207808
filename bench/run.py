"""Run the benchmarks: `./balise.sh bench` runs all, `./balise.sh bench NAME [ARGS]` one.

Each benchmark is a module `bench/bench_<name>.py` with `main(argv) -> int`; it measures its
baseline in the same run and prints ratios against it."""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    names = available()
    if argv and argv[0] in {"-h", "--help", "list"}:
        print("Benchmarks:", ", ".join(names) or "none")
        return 0
    selected, rest = (argv[:1], argv[1:]) if argv else (names, [])
    status = 0
    for name in selected:
        if name not in names:
            print(f"No benchmark named {name!r}. Available: {', '.join(names)}")
            return 2
        print(f"=== {name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.bench_{name}")
        status |= module.main(rest)
        print(f"=== {name}: {time.perf_counter() - started:.1f} s ===\n", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
