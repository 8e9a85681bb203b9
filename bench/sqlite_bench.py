"""SQLite write transactions the size of a scan: the writers' queue and ``synchronous``.

One transaction inserts an idempotency-like row and updates the writer's own state row
(what every scan step writes at the least), through tracking_core's ``Database``: with 1
and 8 writer threads, the in-process queue on and off (off: the threads wait in SQLite's
busy handler), ``synchronous`` FULL and NORMAL. Beside it the same transaction through
the stdlib ``sqlite3`` module on one thread: the floor under any ORM.

Always on fresh SQLite files under ``work`` (``--database-url`` does not apply: the queue
and the pragma are SQLite's). ``python -m bench.sqlite_bench [--quick]`` runs it alone.
"""

from __future__ import annotations

import argparse
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench import RESULTS, print_rows
from bench.core_bench import _ms, _pct, _short_ms
from tracking_core.db import Database, Synchronous, make_engine

Row = dict[str, Any]

SCHEMA = (
    "CREATE TABLE idempotency (id INTEGER PRIMARY KEY, device TEXT NOT NULL,"
    " scan_id TEXT NOT NULL, result TEXT NOT NULL, UNIQUE (device, scan_id));"
    "CREATE TABLE device_state (id INTEGER PRIMARY KEY, device TEXT NOT NULL,"
    " scans INTEGER NOT NULL, state TEXT NOT NULL);"
)
INSERT = "INSERT INTO idempotency (device, scan_id, result) VALUES (:device, :scan, :result)"
UPDATE = "UPDATE device_state SET scans = scans + 1, state = :state WHERE id = :id"
RESULT = '{"status": "ok", "code": "generated", "message": "LAPTOP-14 serial SN-0001"}'


def _fresh_file(work: Path, name: str, writers: int) -> Path:
    path = work / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    conn.executemany(
        "INSERT INTO device_state VALUES (?, ?, 0, '{}')",
        [(i + 1, f"HH-{i + 1}") for i in range(writers)],
    )
    conn.commit()
    conn.close()
    return path


def _row(label: str, samples: list[float], wall: float, **keys: Any) -> Row:
    """One measurement, shaped like the gateway and HTTP suites' rows."""
    rate, p50, p99 = len(samples) / wall, _ms(_pct(samples, 0.5)), _ms(_pct(samples, 0.99))
    return {
        "name": label,
        "value": f"{rate:,.0f} tx/s, p50 {_short_ms(p50)} ms, p99 {_short_ms(p99)} ms",
        "unit": "",
        "per_second": round(rate, 1),
        "p50_ms": p50,
        "p99_ms": p99,
        "tx": len(samples),
        **keys,
    }


def _through_database(
    path: Path, sync: Synchronous, writers: int, per: int, queue: bool
) -> tuple[list[float], float, list[BaseException]]:
    """Latencies, wall seconds and errors of ``writers`` threads of ``per`` transactions."""
    db = Database(make_engine(f"sqlite:///{path}", synchronous=sync), queue_writes=queue)
    samples: list[float] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers + 1)

    def writer(i: int) -> None:
        device, mine = f"HH-{i + 1}", []

        def scan(n: int) -> Callable[[Session], None]:
            def fn(s: Session) -> None:
                s.execute(text(INSERT), {"device": device, "scan": f"s{n}", "result": RESULT})
                s.execute(text(UPDATE), {"id": i + 1, "state": f'{{"last": "s{n}"}}'})

            return fn

        db.run(scan(-1))  # warm: a pooled connection, prepared statements
        barrier.wait()
        for n in range(per):
            t = time.perf_counter()
            try:
                db.run(scan(n))
            except Exception as exc:  # counted in the row, never hidden
                errors.append(exc)
                continue
            mine.append(time.perf_counter() - t)
        samples.extend(mine)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    db.dispose()
    return samples, wall, errors


def _raw(path: Path, sync: Synchronous, count: int) -> tuple[list[float], float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={sync.upper()}")
    samples = []
    start = time.perf_counter()
    for n in range(count):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(INSERT, {"device": "HH-1", "scan": f"s{n}", "result": RESULT})
        conn.execute(UPDATE, {"id": 1, "state": f'{{"last": "s{n}"}}'})
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - t)
    wall = time.perf_counter() - start
    conn.close()
    return samples, wall


def run(*, database_url: str | None, work: Path, quick: bool) -> list[Row]:
    del database_url  # SQLite only, see the module docstring
    total = 40 if quick else 2000  # transactions per measurement, whatever the threads
    rows: list[Row] = []
    errors = 0
    for sync in ("full", "normal"):
        big = sync.upper()
        samples, wall = _raw(_fresh_file(work, f"sqlite-raw-{sync}", 1), sync, total)
        rows.append(_row(f"{big}, raw sqlite3, 1 writer", samples, wall, synchronous=sync))
        for writers in (1, 8):
            for queue in (True, False):
                path = _fresh_file(work, f"sqlite-{sync}-{writers}-{queue}", writers)
                samples, wall, failed = _through_database(
                    path, sync, writers, total // writers, queue
                )
                errors += len(failed)
                on = "on" if queue else "off"
                label = f"{big}, Database, {writers} writer{'s' * (writers > 1)}, queue {on}"
                rows.append(
                    _row(label, samples, wall, synchronous=sync, writers=writers, queue=queue)
                )
    rows.append({"name": "write transactions failed (check)", "value": errors, "unit": ""})
    for path in work.glob("sqlite-*.db*"):
        path.unlink()
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.sqlite_bench")
    p.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    args = p.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    print_rows(run(database_url=None, work=RESULTS, quick=args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
