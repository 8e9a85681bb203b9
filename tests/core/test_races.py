"""Races: many writers at once on the same serials, lot quantities and masks.

PostgreSQL: 16 threads behind a barrier, several rounds. SQLite: several processes on
one file. Expected: 0 double allocations, 0 duplicate numbers, 0 raw database errors
(every refusal is a domain error with a domain code).
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.errors import DomainError, StorageError
from tracking_core.models import LotStock, SerialNumber
from tracking_core.values import LineSpec

WORKERS = 16
ROUNDS = 3
EXPECTED_CODES = {
    "serial_already_allocated",
    "serial_not_available",
    "insufficient_stock",
    "insufficient_lot_quantity",
    "line_quantity_exceeded",  # the winner of an earlier race has a full line
}


def _setup(core: Tracking) -> None:
    core.create_location(code="A1")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%%%")
    core.create_item(sku="MILK", tracking="lot")


def _check_invariants(core: Tracking) -> None:
    def read(s: Any) -> tuple[int, int, int]:
        dup = s.execute(
            select(func.count()).select_from(
                select(SerialNumber.serial)
                .group_by(SerialNumber.serial)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
        over = s.execute(
            select(func.count()).where(LotStock.allocated > LotStock.on_hand)
        ).scalar_one()
        held_wrong = s.execute(
            select(func.count()).where(
                SerialNumber.status == "allocated", SerialNumber.reserved_line_id.is_(None)
            )
        ).scalar_one()
        return dup, over, held_wrong

    assert core.db.run(read, readonly=True) == (0, 0, 0)


def _race(fns: list[Any]) -> tuple[list[Any], Counter[str], list[BaseException]]:
    barrier = threading.Barrier(len(fns))
    results: list[Any] = [None] * len(fns)
    codes: Counter[str] = Counter()
    raw: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fns[i]()
        except StorageError as exc:  # a database error that escaped as a storage error
            with lock:
                raw.append(exc)
        except DomainError as exc:
            with lock:
                codes[exc.code] += 1
        except BaseException as exc:  # anything else is a defect
            with lock:
                raw.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, codes, raw


def test_threads_race_for_serials_lots_and_numbers(db_url: str, is_pg: bool) -> None:
    # PostgreSQL: 16 threads on a shared pool; SQLite: the same threads serialise on
    # BEGIN IMMEDIATE and the busy timeout (processes are raced below).
    db = Database.from_url(db_url, **({"pool_size": 20, "max_overflow": 10} if is_pg else {}))
    core = Tracking(db)
    _setup(core)
    try:
        for rnd in range(ROUNDS):
            lap = core.receive(item="LAP", location="A1", quantity=4)
            core.receive(item="MILK", location="A1", quantity=20, lot=f"L{rnd}")
            free = list(core.document(lap.number, detail=True).lines[0].serials)
            ships = [
                core.create_document(
                    "shipment", lines=[LineSpec("LAP", 2, "A1"), LineSpec("MILK", 3, "A1")]
                ).number
                for _ in range(WORKERS)
            ]
            # 1. everyone wants the same two serials
            _, codes, raw = _race(
                [
                    lambda n=n, free=free: core.allocate_serials(n, line=1, serials=free[:2])
                    for n in ships
                ]
            )
            assert raw == [] and set(codes) <= EXPECTED_CODES
            assert sum(codes.values()) == WORKERS - 1
            # 2. suggestions: 16 x 2 wanted, only what is left is free
            _, codes, raw = _race(
                [lambda n=n: core.allocate_serials(n, line=1, count=1) for n in ships]
            )
            assert raw == [] and set(codes) <= EXPECTED_CODES
            # 3. the same lot: 16 x 3 wanted, 20 on hand
            results, codes, raw = _race(
                [
                    lambda n=n, rnd=rnd: core.allocate_lot(n, line=2, lot=f"L{rnd}", quantity=3)
                    for n in ships
                ]
            )
            assert raw == [] and set(codes) <= EXPECTED_CODES
            assert sum(1 for r in results if r is not None) == 20 // 3
            # 4. numbers from one mask on 16 receipts
            recs = [
                core.create_document("receipt", lines=[LineSpec("LAP", 25, "A1")]).number
                for _ in range(WORKERS)
            ]
            results, codes, raw = _race(
                [lambda n=n: core.generate_serials(n, line=1, count=25) for n in recs]
            )
            assert raw == [] and not codes
            made = [sn for r in results for sn in r.serials]
            assert len(made) == len(set(made)) == WORKERS * 25
            _check_invariants(core)
            for n in ships + recs:
                core.cancel(n)
    finally:
        db.dispose()


def _proc_generate(url: str, number: str, q: Any) -> None:
    core = Tracking(Database.from_url(url))
    try:
        q.put(("ok", list(core.generate_serials(number, line=1, count=50).serials)))
    except DomainError as exc:
        q.put(("domain", exc.code))
    except BaseException as exc:
        q.put(("raw", repr(exc)))


def _proc_allocate(url: str, number: str, serials: list[str], q: Any) -> None:
    core = Tracking(Database.from_url(url))
    try:
        q.put(("ok", list(core.allocate_serials(number, line=1, serials=serials).serials)))
    except DomainError as exc:
        q.put(("domain", exc.code))
    except BaseException as exc:
        q.put(("raw", repr(exc)))


def test_processes_race_on_one_database(db_url: str) -> None:
    core = Tracking(Database.from_url(db_url))
    _setup(core)
    core.receive(item="LAP", location="A1", quantity=3)
    serials = list(core.document("RC-000001", detail=True).lines[0].serials)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = []
    for _ in range(5):
        rec = core.create_document("receipt", lines=[LineSpec("LAP", 50, "A1")]).number
        ship = core.create_document("shipment", lines=[LineSpec("LAP", 3, "A1")]).number
        procs.append(ctx.Process(target=_proc_generate, args=(db_url, rec, q)))
        procs.append(ctx.Process(target=_proc_allocate, args=(db_url, ship, serials, q)))
    for p in procs:
        p.start()
    outcomes = [q.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert [o for o in outcomes if o[0] == "raw"] == []
    made = [sn for kind, v in outcomes if kind == "ok" and len(v) == 50 for sn in v]
    assert len(made) == len(set(made)) == 5 * 50
    allocations = [v for kind, v in outcomes if kind == "ok" and len(v) == 3]
    refusals = [v for kind, v in outcomes if kind == "domain"]
    assert (len(allocations), sorted(set(refusals))) == (1, ["serial_already_allocated"])
    _check_invariants(core)
