"""The ledger's one sequence under concurrent posters, read as an ERP reads it.

A reader follows the feed with its cursor (``since`` = the last page's ``next_since``) while
several writers post documents at once: threads with their own connections over one pool,
and spawned processes (on one SQLite file, or on PostgreSQL). Expected everywhere: every
page is the unbroken run ``since + 1 .. next_since`` (no gap among committed records), and
the reader ends with every record exactly once, in seq order. A record committed after the
reader passed its seq would be missing from what it read: the final comparison catches it.

The dangerous interleaving is forced, not hoped for: a poster that took its numbers is held
just before its commit; the test checks that the reader does not see past the committed
end, and that a second poster cannot get numbers (it waits: on PostgreSQL for the counter
row's lock, seen in ``pg_stat_activity``; on SQLite in the file's write queue) until the
first has committed. Every step waits on what a writer did, never on the clock.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from tests.core.test_races import KINDS, sqlite_template  # noqa: F401 (a fixture)
from tracking_core import ledger_seq
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.values import LedgerPage, LineSpec, Movement, PostResult
from tracking_core.write_queue import queue_for

THREADS = 4
PROCESSES = 3
DOCUMENTS = 4  # per writer, 3 records each (2 serials, 1 lot)
HANG = 120  # seconds: only to stop a hang, never a measure


@pytest.fixture
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty migrated database of the parametrized kind."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("db_url"))
    shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / "feed.db")
    return f"sqlite:///{tmp_path / 'feed.db'}"


def _setup(core: Tracking) -> None:
    core.create_partner(code="V1", kind="vendor")
    core.create_location(code="A1")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%%%")
    core.create_item(sku="MILK", tracking="lot")


def _receipt(core: Tracking, lot: str) -> str:
    """An open receipt with 2 serials and a lot assigned: 3 records when posted."""
    lines = [LineSpec("LAP", 2, "A1"), LineSpec("MILK", 3, "A1")]
    number = core.create_document("receipt", lines=lines, partner="V1").number
    core.generate_serials(number, line=1, count=2)
    core.generate_lot(number, line=2, lot=lot, quantity=3)
    return number


class Follower:
    """An ERP's reader: pages from its cursor, each page checked to be the unbroken run."""

    def __init__(self, core: Tracking, limit: int = 5) -> None:
        self.core = core
        self.limit = limit
        self.since = 0
        self.seen: list[Movement] = []

    def poll(self) -> LedgerPage:
        """Read until the end as it is now; the last page read."""
        while True:
            page = self.core.ledger_page(since=self.since, limit=self.limit)
            assert page.since == self.since and page.next_since <= page.last
            seqs = [m.seq for m in page.records]
            assert seqs == list(range(self.since + 1, page.next_since + 1)), seqs
            self.seen += page.records
            self.since = page.next_since
            if not page.more:
                return page

    def check_complete(self, wrote: dict[str, int]) -> None:
        """Every record once, in order, and exactly the ones the posters wrote (per document)."""
        everything = list(self.core.ledger_stream(since=0))
        assert self.seen == everything
        assert [m.seq for m in self.seen] == list(range(1, len(everything) + 1))
        assert Counter(m.document for m in self.seen) == wrote
        assert len({(m.kind, m.id) for m in self.seen}) == len(self.seen)


def _records(posted: list[PostResult]) -> dict[str, int]:
    return {p.document: p.serial_records + p.lot_records for p in posted}


def _follow_reports(follower: Follower, reports: Callable[[], Any], count: int) -> list[Any]:
    """Poll the feed after each writer's report (a posting done), then once after all."""
    got = []
    for _ in range(count):
        got.append(reports())
        follower.poll()
    follower.poll()
    return got


# --- threads ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", KINDS, indirect=True)
def test_threads_post_at_once_and_the_reader_gets_each_record_once(url: str) -> None:
    db = Database.from_url(url, pool_size=THREADS + 2, max_overflow=4)
    core = Tracking(db)
    _setup(core)
    plans = [[_receipt(core, f"T{w}-{k}") for k in range(DOCUMENTS)] for w in range(THREADS)]
    done: queue.Queue[PostResult | BaseException] = queue.Queue()
    barrier = threading.Barrier(THREADS)

    def write(numbers: list[str]) -> None:
        mine = Tracking(db)
        barrier.wait(timeout=HANG)
        for number in numbers:
            try:
                done.put(mine.post(number))
            except BaseException as exc:  # reported, so the reader fails the test
                done.put(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    follower = Follower(core)
    try:
        posted = _follow_reports(follower, lambda: done.get(timeout=HANG), THREADS * DOCUMENTS)
    finally:
        for t in threads:
            t.join(timeout=HANG)
    assert [p for p in posted if not isinstance(p, PostResult)] == []
    follower.check_complete(_records(posted))
    assert follower.since == THREADS * DOCUMENTS * 3
    db.dispose()


# --- processes ----------------------------------------------------------------------------


def _write_process(
    url: str, numbers: list[str], barrier: Any, q: Any
) -> None:  # pragma: no cover - runs in a child process
    core = Tracking(Database.from_url(url))
    barrier.wait(timeout=HANG)
    for number in numbers:
        try:
            r = core.post(number)
            q.put(("ok", r.document, r.serial_records, r.lot_records))
        except BaseException as exc:
            q.put(("raw", f"{type(exc).__name__}: {exc}", 0, 0))
    core.db.dispose()


@pytest.mark.parametrize("url", KINDS, indirect=True)
def test_processes_post_at_once_and_the_reader_gets_each_record_once(url: str) -> None:
    db = Database.from_url(url)
    core = Tracking(db)
    _setup(core)
    plans = [[_receipt(core, f"P{w}-{k}") for k in range(DOCUMENTS)] for w in range(PROCESSES)]
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    q = ctx.Queue()
    procs = [ctx.Process(target=_write_process, args=(url, p, barrier, q)) for p in plans]
    for p in procs:
        p.start()
    follower = Follower(core, limit=4)
    try:
        reports = _follow_reports(follower, lambda: q.get(timeout=HANG), PROCESSES * DOCUMENTS)
    finally:
        for p in procs:
            p.join(timeout=HANG)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    assert [r for r in reports if r[0] != "ok"] == []
    follower.check_complete({d: s + n for _, d, s, n in reports})
    db.dispose()


# --- the forced interleaving --------------------------------------------------------------


class Hold:
    """Posters named in ``held`` stop after taking their numbers, just before COMMIT, until
    released; what they took is reported on ``took``."""

    def __init__(self, held: set[str]) -> None:
        self.held = held
        self.took: queue.Queue[tuple[str, int, int]] = queue.Queue()
        self.go = {name: threading.Event() for name in held}
        self._taken: dict[str, tuple[int, int]] = {}

    @contextmanager
    def installed(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        real = ledger_seq.take

        def take(s: Session, count: int) -> int:
            first = real(s, count)
            self._taken[threading.current_thread().name] = (first, count)
            return first

        def before_commit(_s: Session) -> None:
            name = threading.current_thread().name
            if name in self.held and name in self._taken:
                first, count = self._taken.pop(name)
                self.took.put((name, first, count))
                assert self.go[name].wait(timeout=HANG), f"{name} never released"

        monkeypatch.setattr(ledger_seq, "take", take)
        event.listen(Session, "before_commit", before_commit)
        try:
            yield
        finally:
            event.remove(Session, "before_commit", before_commit)


def _waiting_for_a_lock(core: Tracking) -> int:
    """Writers of this database that wait: PostgreSQL's lock waits, SQLite's write queue."""
    if core.db.dialect == "sqlite":
        return queue_for(core.db.engine.url).waiting()
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock'"
    )
    return int(core.db.run(lambda s: s.execute(text(sql)).scalar_one(), readonly=True))


def _until(what: Callable[[], bool], why: str) -> None:
    """Wait for a state a writer reaches; the deadline only stops a hang."""
    deadline = time.monotonic() + HANG
    while not what():
        assert time.monotonic() < deadline, f"never: {why}"
        time.sleep(0.01)


@pytest.mark.parametrize("url", KINDS, indirect=True)
def test_a_poster_holding_numbers_keeps_the_feed_and_the_next_poster_behind_it(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database.from_url(url, pool_size=6)
    core = Tracking(db)
    _setup(core)
    first, a_doc, b_doc = (_receipt(core, lot) for lot in ("L0", "LA", "LB"))
    posted = [core.post(first)]
    follower = Follower(core)
    assert follower.poll().last == 3
    hold = Hold({"A", "B"})
    results: dict[str, PostResult | BaseException] = {}

    def poster(number: str) -> None:
        try:
            results[threading.current_thread().name] = Tracking(db).post(number)
        except BaseException as exc:
            results[threading.current_thread().name] = exc

    with hold.installed(monkeypatch):
        a = threading.Thread(target=poster, args=(a_doc,), name="A")
        a.start()
        assert hold.took.get(timeout=HANG) == ("A", 4, 3)  # A holds 4..6, not committed
        page = follower.poll()
        assert (page.last, follower.since, page.records) == (3, 3, ())

        b = threading.Thread(target=poster, args=(b_doc,), name="B")
        b.start()
        _until(lambda: _waiting_for_a_lock(core) == 1, "B waits behind A")
        assert hold.took.empty()  # B has no numbers while A holds its own
        assert follower.poll().last == 3

        hold.go["A"].set()
        a.join(timeout=HANG)
        # B takes the numbers after A's, and is held in turn
        assert hold.took.get(timeout=HANG) == ("B", 7, 3)
        page = follower.poll()
        assert (page.last, follower.since) == (6, 6)
        assert [(m.seq, m.document) for m in follower.seen[3:]] == [(s, a_doc) for s in (4, 5, 6)]

        hold.go["B"].set()
        b.join(timeout=HANG)
    assert not a.is_alive() and not b.is_alive()
    posted += [r for r in results.values() if isinstance(r, PostResult)]
    assert len(posted) == 3, results
    follower.poll()
    follower.check_complete(_records(posted))
    assert [m.document for m in follower.seen] == [first] * 3 + [a_doc] * 3 + [b_doc] * 3
    db.dispose()
