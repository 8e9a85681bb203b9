"""Run the benchmarks and print a table; the JSON goes to bench/results/.

Usage: python -m bench [--database-url URL] [--only core] [--quick] [--markdown]

``socket`` always makes its own SQLite demo database and runs ``scantrack serve``; ``scan``
and ``http`` always measure on a fresh SQLite file, and on PostgreSQL as well when
``--database-url`` names one. ``--markdown`` prints every row as one table for the README
(the suites' own tables and the JSON path go to stderr then).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from contextlib import redirect_stdout

from bench import (
    RESULTS,
    api_bench,
    containers_bench,
    core_bench,
    epcis_bench,
    events_bench,
    gateway_bench,
    interpret_bench,
    labels_bench,
    markdown_table,
    print_rows,
    printing_bench,
    save,
    scan_bench,
    scan_http,
    socket_bench,
    sqlite_bench,
)

SUITES = {
    "api": api_bench.run,
    "containers": containers_bench.run,
    "core": core_bench.run,
    "epcis": epcis_bench.run,
    "events": events_bench.run,
    "gateway": gateway_bench.run,
    "http": scan_http.run,
    "interpret": interpret_bench.run,
    "labels": labels_bench.run,
    "printing": printing_bench.run,
    "scan": scan_bench.run,
    "socket": socket_bench.run,
    "sqlite": sqlite_bench.run,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--database-url", help="default: a fresh SQLite file under bench/results/")
    p.add_argument("--only", choices=sorted(SUITES), action="append")
    p.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    p.add_argument("--markdown", action="store_true", help="all rows as one markdown table")
    args = p.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    results: dict[str, object] = {
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),  # other work on the machine skews every figure
        },
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    everything = []
    # with --markdown, stdout is the table alone: the rest goes to stderr
    with redirect_stdout(sys.stderr if args.markdown else sys.stdout):
        for name in args.only or sorted(SUITES):
            rows = SUITES[name](database_url=args.database_url, work=RESULTS, quick=args.quick)
            results[name] = rows
            everything += [(name, r) for r in rows]
            print(f"\n== {name}")
            print_rows(rows)
        save(results, "bench")
    if args.markdown:
        print(markdown_table(everything))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
