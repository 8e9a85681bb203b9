"""Races: many writers at once on the same serials, lot quantities, masks and numbers.

Threads: 16 workers, each with its own ``Tracking`` over one shared ``Database`` (a pool
big enough for all), released together by a barrier, several rounds; on PostgreSQL
(when ``SCANTRACK_TEST_DATABASE_URL`` is set) they really run at once, on SQLite they
queue on ``BEGIN IMMEDIATE``. Processes: several spawned processes on one database
file (and on PostgreSQL when present) doing the same.

Expected everywhere: 0 double allocations (a serial is held by one line; allocated lot
quantity <= on hand), 0 duplicate numbers (all generated numbers distinct and exactly
the counter's next ones), 0 raw database errors (every refusal is a ``DomainError``
with a domain code; a ``StorageError`` fails the test), and the exact number of winners
the stock allows.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import PG_URL
from tests.core.test_state_machine import check_invariants
from tracking_core.core import Tracking
from tracking_core.db import Database, make_engine
from tracking_core.errors import DomainError, StorageError
from tracking_core.migrate import upgrade
from tracking_core.values import LineSpec

KINDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
WORKERS = 16
ROUNDS = 3
PROCESSES = 5
PROCESS_ROUNDS = 3
MASK = "SN%%%%%%"

# Every figure the races produced, printed at the end (pytest -s) for the record.
FIGURES: Counter[str] = Counter()


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("race-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty migrated database of the kind the test is parametrized with."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("db_url"))
    path = tmp_path / "race.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


def _setup(core: Tracking) -> None:
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    core.create_item(sku="LAP", tracking="serial", serial_mask=MASK)
    core.create_item(sku="MILK", tracking="lot")


def _counter(core: Tracking) -> int:
    return int(
        core.db.run(
            lambda s: s.execute(
                text("SELECT COALESCE(MAX(value), 0) FROM counters WHERE key LIKE :k"),
                {"k": f"{MASK}|%"},
            ).scalar_one(),
            readonly=True,
        )
    )


def _invariants(core: Tracking) -> None:
    core.db.run(lambda s: check_invariants(s, strict_quantities=True), readonly=True)


def _holders(core: Tracking) -> dict[str, str]:
    """serial -> the document holding it (one column per serial: never two holders)."""
    rows = core.db.run(
        lambda s: s.execute(
            text(
                "SELECT s.serial, d.number FROM serial_numbers s"
                " JOIN document_lines dl ON dl.id = s.reserved_line_id"
                " JOIN documents d ON d.id = dl.document_id WHERE s.status = 'allocated'"
            )
        ).all(),
        readonly=True,
    )
    return {str(a): str(b) for a, b in rows}


def _lot_stock(core: Tracking, lot: str) -> tuple[int, int]:
    row = core.db.run(
        lambda s: s.execute(
            text(
                "SELECT SUM(ls.on_hand), SUM(ls.allocated) FROM lot_stock ls"
                " JOIN lots l ON l.id = ls.lot_id WHERE l.lot = :lot"
            ),
            {"lot": lot},
        ).one(),
        readonly=True,
    )
    return int(row[0] or 0), int(row[1] or 0)


# --- threads ------------------------------------------------------------------------------


class Race:
    """Run one call per worker, all released at once; sort outcomes into ok/codes/raw."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.ok: dict[int, Any] = {}
        self.codes: dict[int, str] = {}
        self.raw: list[str] = []

    def run(self, fns: list[Callable[[], Any]]) -> Race:
        barrier = threading.Barrier(len(fns))
        lock = threading.Lock()

        def work(i: int) -> None:
            barrier.wait(timeout=60)
            try:
                result = fns[i]()
            except StorageError as exc:  # a raw database error, dressed up
                with lock:
                    self.raw.append(f"{type(exc).__name__}: {exc}")
            except DomainError as exc:
                with lock:
                    self.codes[i] = exc.code
            except BaseException as exc:
                with lock:
                    self.raw.append(f"{type(exc).__name__}: {exc}")
            else:
                with lock:
                    self.ok[i] = result

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(fns))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), f"{self.phase}: a worker hangs"
        FIGURES[f"{self.phase}: attempts"] += len(fns)
        FIGURES[f"{self.phase}: ok"] += len(self.ok)
        for code in self.codes.values():
            FIGURES[f"{self.phase}: {code}"] += 1
        FIGURES["raw errors"] += len(self.raw)
        assert self.raw == [], f"{self.phase}: raw errors {self.raw}"
        assert len(self.ok) + len(self.codes) == len(fns)
        return self

    def tally(self) -> Counter[str]:
        return Counter(self.codes.values())


@pytest.mark.slow
@pytest.mark.parametrize("url", KINDS, indirect=True)
def test_sixteen_threads_race_for_the_same_serials_lots_and_numbers(url: str) -> None:
    FIGURES.clear()
    pooled = {"pool_size": WORKERS + 4, "max_overflow": 10}
    db = Database.from_url(url, **pooled)
    cores = [Tracking(db) for _ in range(WORKERS)]  # one each, over one shared pool
    core = cores[0]
    _setup(core)
    try:
        for rnd in range(ROUNDS):
            _thread_round(core, cores, rnd, concurrent=db.dialect == "postgresql")
    finally:
        db.dispose()
    print(f"\nthread races ({url.split(':')[0]}):", dict(sorted(FIGURES.items())))


def _thread_round(core: Tracking, cores: list[Tracking], rnd: int, *, concurrent: bool) -> None:
    loc, lot_a, lot_b, new_lot = f"R{rnd}", f"A{rnd}", f"B{rnd}", f"N{rnd}"
    core.create_location(code=loc)
    lap = core.receive(item="LAP", location=loc, quantity=8, partner="V1")
    free = sorted(core.document(lap.number, detail=True).lines[0].serials)
    core.receive(item="MILK", location=loc, quantity=20, lot=lot_a, partner="V1")
    core.receive(item="MILK", location=loc, quantity=10, lot=lot_b, partner="V1")

    def docs(doc_type: str, *lines: LineSpec) -> list[str]:
        partner = "V1" if doc_type == "receipt" else "C1"
        return [core.create_document(doc_type, lines=lines, partner=partner).number for _ in cores]

    ships = docs("shipment", LineSpec("LAP", 2, loc), LineSpec("MILK", 6, loc))
    recs = docs("receipt", LineSpec("LAP", 25, loc))
    scans = docs("receipt", LineSpec("LAP", 1, loc))
    lot_recs = docs("receipt", LineSpec("MILK", 5, loc))
    pairs = list(zip(cores, ships, strict=True))

    # 1. everyone scans the same two serials: one wins, the others are told who holds them
    same = Race("serials by list").run(
        [lambda c=c, n=n: c.allocate_serials(n, line=1, serials=free[:2]) for c, n in pairs]
    )
    assert len(same.ok) == 1 and same.tally() == {"serial_already_allocated": WORKERS - 1}
    (winner,) = same.ok
    assert same.ok[winner].serials == tuple(free[:2])

    # 2. suggestions: 15 lines want 2 each of the 6 left (the winner's line is full)
    sug = Race("serials by suggestion").run(
        [lambda c=c, n=n: c.allocate_serials(n, line=1, count=2) for c, n in pairs]
    )
    assert sug.tally()["line_quantity_exceeded"] == 1 and winner in sug.codes
    assert set(sug.tally()) <= {"line_quantity_exceeded", "insufficient_stock"}
    if not concurrent:  # queued writers see each other's commits: exactly 3 winners
        assert len(sug.ok) == 3
    assert 1 <= len(sug.ok) <= 3
    # SKIP LOCKED may leave a suggestion short while others hold rows they then release:
    # whoever lost only for that gets what is left, one after the other.
    late = {}
    for i, code in sorted(sug.codes.items()):
        if code == "insufficient_stock" and len(sug.ok) + len(late) < 3:
            late[i] = cores[i].allocate_serials(ships[i], line=1, count=2)
    FIGURES["serials by suggestion: given after the race"] += len(late)
    got = [sn for r in [same.ok[winner], *sug.ok.values(), *late.values()] for sn in r.serials]
    assert len(got) == len(set(got)) == 8  # no serial handed to two lines, none lost
    holders = _holders(core)
    assert {sn: holders[sn] for sn in got} == {
        sn: ships[i]
        for i, r in [(winner, same.ok[winner]), *sug.ok.items(), *late.items()]
        for sn in r.serials
    }
    serial_full = {winner, *sug.ok, *late}

    # 3. the same lot: 16 x 3 wanted, 20 on hand: 6 win
    by_lot = Race("lot by number").run(
        [lambda c=c, n=n: c.allocate_lot(n, line=2, lot=lot_a, quantity=3) for c, n in pairs]
    )
    assert len(by_lot.ok) == 20 // 3
    assert by_lot.tally() == {"insufficient_lot_quantity": WORKERS - 20 // 3}
    assert _lot_stock(core, lot_a) == (20, 18)

    # 4. suggestions across lots: 2 left of A and 10 of B, 16 x 3 wanted: 4 win
    by_sug = Race("lot by suggestion").run(
        [lambda c=c, n=n: c.allocate_lot(n, line=2, quantity=3) for c, n in pairs]
    )
    assert len(by_sug.ok) == 4 and by_sug.tally() == {"insufficient_stock": WORKERS - 4}
    assert sorted(q for r in by_sug.ok.values() for _, q in r.lots) == [1, 2, 3, 3, 3]
    assert (_lot_stock(core, lot_a), _lot_stock(core, lot_b)) == ((20, 20), (10, 10))

    # 5. numbers from one mask on 16 receipts: all distinct, exactly the next 400
    start = _counter(core)
    gen = Race("numbers from one mask").run(
        [
            lambda c=c, n=n: c.generate_serials(n, line=1, count=25)
            for c, n in zip(cores, recs, strict=True)
        ]
    )
    made = [sn for r in gen.ok.values() for sn in r.serials]
    assert len(gen.ok) == WORKERS and len(made) == len(set(made)) == WORKERS * 25
    assert sorted(made) == [f"SN{i:06d}" for i in range(start + 1, start + 1 + WORKERS * 25)]
    assert _counter(core) == start + WORKERS * 25

    # 6. the same new serial scanned on 16 receipts: one takes it
    new_sn = Race("same new serial").run(
        [
            lambda c=c, n=n: c.generate_serials(n, line=1, serials=[f"NEW-{rnd}"])
            for c, n in zip(cores, scans, strict=True)
        ]
    )
    assert len(new_sn.ok) == 1 and new_sn.tally() == {"serial_already_allocated": WORKERS - 1}

    # 7. the same new lot on 16 receipts, then all posted at once: one lot, 80 on hand
    Race("same new lot").run(
        [
            lambda c=c, n=n: c.generate_lot(n, line=1, lot=new_lot, quantity=5)
            for c, n in zip(cores, lot_recs, strict=True)
        ]
    )
    posts = Race("post lot receipts").run(
        [lambda c=c, n=n: c.post(n) for c, n in zip(cores, lot_recs, strict=True)]
    )
    assert len(posts.ok) == WORKERS and _lot_stock(core, new_lot) == (80, 0)

    # 8. post every shipment at once: exactly the complete ones go, then cancel the rest
    lot_qty = Counter[int]()
    for i, r in [*by_lot.ok.items(), *by_sug.ok.items()]:
        lot_qty[i] += sum(q for _, q in r.lots)
    complete = {i for i in serial_full if lot_qty[i] == 6}
    shipped = Race("post shipments").run([lambda c=c, n=n: c.post(n) for c, n in pairs])
    assert set(shipped.ok) == complete
    assert shipped.tally() == {"line_incomplete": WORKERS - len(complete)}
    rest = [(cores[i], ships[i]) for i in range(WORKERS) if i not in complete]
    for phase, numbers in (
        ("cancel shipments", rest),
        ("cancel receipts", zip(cores, recs, strict=True)),
    ):
        Race(phase).run([lambda c=c, n=n: c.cancel(n) for c, n in numbers])
    for n in scans:
        core.cancel(n)
    assert _holders(core) == {}
    assert _lot_stock(core, lot_a)[1] + _lot_stock(core, lot_b)[1] == 0
    assert _lot_stock(core, lot_a)[0] + _lot_stock(core, lot_b)[0] == 30 - 6 * len(complete)
    _invariants(core)


# --- processes ----------------------------------------------------------------------------


def _worker(
    url: str, me: int, rounds: list[dict[str, Any]], barrier: Any, q: Any
) -> None:  # pragma: no cover - runs in a child process
    core = Tracking(Database.from_url(url))
    for rnd, plan in enumerate(rounds):
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("numbers", lambda p=plan: core.generate_serials(p["rec"], line=1, count=25)),
            (
                "same serials",
                lambda p=plan: core.allocate_serials(p["ship"], line=1, serials=p["free"][:2]),
            ),
            ("suggestion", lambda p=plan: core.allocate_serials(p["ship"], line=1, count=2)),
            (
                "same lot",
                lambda p=plan: core.allocate_lot(p["ship"], line=2, lot=p["lot"], quantity=3),
            ),
            (
                "new serial",
                lambda p=plan: core.generate_serials(p["scan"], line=1, serials=[p["new"]]),
            ),
        ]
        for phase, fn in steps:
            barrier.wait(timeout=120)
            try:
                r = fn()
                q.put((rnd, phase, me, "ok", list(r.serials) + [q_ for _, q_ in r.lots]))
            except StorageError as exc:
                q.put((rnd, phase, me, "raw", f"StorageError: {exc}"))
            except DomainError as exc:
                q.put((rnd, phase, me, "domain", exc.code))
            except BaseException as exc:
                q.put((rnd, phase, me, "raw", f"{type(exc).__name__}: {exc}"))
    core.db.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("url", KINDS, indirect=True)
def test_processes_race_on_one_database(url: str) -> None:
    FIGURES.clear()
    db = Database.from_url(url)
    core = Tracking(db)
    _setup(core)
    plans: list[list[dict[str, Any]]] = [[] for _ in range(PROCESSES)]
    free_by_round = []
    for rnd in range(PROCESS_ROUNDS):
        loc = f"P{rnd}"
        core.create_location(code=loc)
        lap = core.receive(item="LAP", location=loc, quantity=8, partner="V1")
        free = sorted(core.document(lap.number, detail=True).lines[0].serials)
        free_by_round.append(free)
        core.receive(item="MILK", location=loc, quantity=10, lot=f"PL{rnd}", partner="V1")
        for me in range(PROCESSES):
            plans[me].append(
                {
                    "rec": core.create_document(
                        "receipt", lines=[LineSpec("LAP", 25, loc)], partner="V1"
                    ).number,
                    "ship": core.create_document(
                        "shipment",
                        lines=[LineSpec("LAP", 2, loc), LineSpec("MILK", 3, loc)],
                        partner="C1",
                    ).number,
                    "scan": core.create_document(
                        "receipt", lines=[LineSpec("LAP", 1, loc)], partner="V1"
                    ).number,
                    "free": free,
                    "lot": f"PL{rnd}",
                    "new": f"PNEW-{rnd}",
                }
            )
    start = _counter(core)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    q = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(url, me, plans[me], barrier, q))
        for me in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    try:
        outcomes = [q.get(timeout=180) for _ in range(PROCESSES * PROCESS_ROUNDS * 5)]
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    raw = [o for o in outcomes if o[3] == "raw"]
    assert raw == []
    by: dict[tuple[int, str], list[tuple[int, str, Any]]] = {}
    for rnd, phase, me, kind, value in outcomes:
        by.setdefault((rnd, phase), []).append((me, kind, value))
        FIGURES[f"processes {phase}: {'ok' if kind == 'ok' else value}"] += 1
    made: list[str] = []
    for rnd in range(PROCESS_ROUNDS):

        def codes(phase: str, rnd: int = rnd) -> Counter[str]:
            return Counter(v for _, k, v in by[(rnd, phase)] if k == "domain")

        def wins(phase: str, rnd: int = rnd) -> list[Any]:
            return [v for _, k, v in by[(rnd, phase)] if k == "ok"]

        made += [sn for v in wins("numbers") for sn in v]
        assert len(wins("numbers")) == PROCESSES
        assert wins("same serials") == [free_by_round[rnd][:2]]
        assert codes("same serials") == {"serial_already_allocated": PROCESSES - 1}
        suggested = [sn for v in wins("suggestion") for sn in v]
        assert codes("suggestion")["line_quantity_exceeded"] == 1
        assert len(suggested) == len(set(suggested)) == 2 * len(wins("suggestion"))
        assert not set(suggested) & set(free_by_round[rnd][:2])
        if db.dialect == "sqlite":  # one writer at a time: 6 left, 2 each, 3 winners
            assert len(wins("suggestion")) == 3
        assert wins("same lot") == [[3]] * 3
        assert codes("same lot") == {"insufficient_lot_quantity": PROCESSES - 3}
        assert wins("new serial") == [[f"PNEW-{rnd}"]]
        assert codes("new serial") == {"serial_already_allocated": PROCESSES - 1}
    total = PROCESSES * PROCESS_ROUNDS * 25
    assert len(made) == len(set(made)) == total
    assert sorted(made) == [f"SN{i:06d}" for i in range(start + 1, start + 1 + total)]
    holders = _holders(core)
    assert len(holders) == sum(
        2 * len([v for _, k, v in by[(r, p)] if k == "ok"])
        for r in range(PROCESS_ROUNDS)
        for p in ("same serials", "suggestion")
    )
    for rnd in range(PROCESS_ROUNDS):
        assert _lot_stock(core, f"PL{rnd}") == (10, 9)
    _invariants(core)
    db.dispose()
    print(f"\nprocess races ({db.dialect}):", dict(sorted(FIGURES.items())))
