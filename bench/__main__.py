"""Run the benchmarks and print a table; the JSON goes to bench/results/.

Usage: python -m bench [--database-url URL] [--only core] [--quick]

``socket`` always makes its own SQLite demo database and runs ``scantrack serve``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from bench import (
    core_bench,
    gateway_bench,
    interpret_bench,
    labels_bench,
    print_rows,
    printing_bench,
    socket_bench,
    sqlite_bench,
)

SUITES = {
    "core": core_bench.run,
    "gateway": gateway_bench.run,
    "interpret": interpret_bench.run,
    "labels": labels_bench.run,
    "printing": printing_bench.run,
    "socket": socket_bench.run,
    "sqlite": sqlite_bench.run,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--database-url", help="default: a fresh SQLite file under bench/results/")
    p.add_argument("--only", choices=sorted(SUITES), action="append")
    p.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = p.parse_args(argv)
    out_dir = Path(__file__).parent / "results"
    out_dir.mkdir(exist_ok=True)
    results: dict[str, object] = {
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    for name in args.only or sorted(SUITES):
        rows = SUITES[name](database_url=args.database_url, work=out_dir, quick=args.quick)
        results[name] = rows
        print(f"\n== {name}")
        print_rows(rows)
    path = out_dir / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
