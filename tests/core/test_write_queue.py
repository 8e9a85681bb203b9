"""SQLite writers of one process queue for the file (tracking_core/write_queue.py).

Real SQLite files, always (also when the suite runs on PostgreSQL: the queue is SQLite's).
Most tests set SQLite's busy timeout to 0 and allow one attempt, so a writer that met the
file's lock instead of queueing would fail at once with ``database is locked``. Order is
observed through the queue and events, never through timing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from tracking_core.db import Database, sqlite_synchronous
from tracking_core.errors import InvalidConfiguration, StorageError
from tracking_core.write_queue import NestedWriteTransaction, WriteQueue, queue_for

WAIT = 30.0  # a guard against a hang; passing tests never wait it out


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "queue.db"
    _make_tables(p)
    return p


def _make_tables(p: Path) -> None:
    conn = sqlite3.connect(p)
    conn.executescript(
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE scans (id INTEGER PRIMARY KEY, who TEXT NOT NULL);"
        "CREATE TABLE state (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
        "INSERT INTO state VALUES (1, 0);"
    )
    conn.close()


def _impatient(url: str, *, queue_writes: bool = True, max_attempts: int = 1) -> Database:
    """A Database whose SQLite connections never wait in the busy handler."""
    db = Database.from_url(url)
    if not queue_writes or max_attempts != db.max_attempts:
        db = Database(db.engine, max_attempts=max_attempts, queue_writes=queue_writes)

    @event.listens_for(db.engine, "connect")
    def _no_busy_wait(dbapi_conn: Any, _record: Any) -> None:  # runs after db.py's own
        dbapi_conn.execute("PRAGMA busy_timeout=0")

    return db


@pytest.fixture
def db(path: Path) -> Iterator[Database]:
    database = _impatient(f"sqlite:///{path}")
    yield database
    database.dispose()


def _scan(who: str) -> Callable[[Session], None]:
    """A scan-sized write: an idempotency-like row and the state it moves."""

    def fn(s: Session) -> None:
        s.execute(text("INSERT INTO scans (who) VALUES (:who)"), {"who": who})
        s.execute(text("UPDATE state SET n = n + 1 WHERE id = 1"))

    return fn


def _counts(db: Database) -> tuple[int, int]:
    def read(s: Session) -> tuple[int, int]:
        scans = s.execute(text("SELECT COUNT(*) FROM scans")).scalar_one()
        return scans, s.execute(text("SELECT n FROM state")).scalar_one()

    return db.run(read, readonly=True)


class Holder:
    """A thread inside a write transaction until ``release``: the file's turn is taken."""

    def __init__(self, db: Database, who: str = "holder") -> None:
        self.inside = threading.Event()
        self.go = threading.Event()
        self.errors: list[BaseException] = []

        def hold(s: Session) -> None:
            _scan(who)(s)
            self.inside.set()
            self.go.wait(WAIT)

        def body() -> None:
            try:
                db.run(hold)
            except BaseException as exc:  # reported by the test
                self.errors.append(exc)

        self.thread = threading.Thread(target=body)

    def __enter__(self) -> Holder:
        self.thread.start()
        assert self.inside.wait(WAIT)
        return self

    def release(self) -> None:
        self.go.set()
        self.thread.join(WAIT)
        assert not self.thread.is_alive() and self.errors == []

    def __exit__(self, *exc: object) -> None:
        if self.thread.is_alive():
            self.release()


def _writer(db: Database, who: str, order: list[str], errors: list[BaseException]) -> Any:
    def fn(s: Session) -> None:
        order.append(who)  # inside the transaction: the order of the turns
        _scan(who)(s)

    def body() -> None:
        try:
            db.run(fn)
        except BaseException as exc:
            errors.append(exc)

    return threading.Thread(target=body)


def test_eight_writer_threads_all_succeed_without_waiting_in_sqlite(db: Database) -> None:
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def body(i: int) -> None:
        barrier.wait()
        for j in range(per_thread):
            try:
                db.run(_scan(f"w{i}-{j}"))
            except BaseException as exc:
                errors.append(exc)

    workers = [threading.Thread(target=body, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(WAIT * 4)
    assert errors == []  # busy timeout 0 and one attempt: any lock met would be here
    assert _counts(db) == (threads * per_thread, threads * per_thread)


def test_without_the_queue_a_second_writer_meets_the_lock(path: Path) -> None:
    """The control for the test above: the same setup, queue off, fails at once."""
    url = f"sqlite:///{path}"
    unqueued = _impatient(url, queue_writes=False)
    with Holder(unqueued) as holder:
        with pytest.raises(StorageError, match="database is locked"):
            unqueued.run(_scan("second"))
        holder.release()
    unqueued.dispose()


def test_a_writer_waits_in_the_queue_and_then_finds_the_file_free(db: Database) -> None:
    order: list[str] = []
    errors: list[BaseException] = []
    queue = queue_for(db.engine.url)
    with Holder(db) as holder:
        w = _writer(db, "second", order, errors)
        w.start()
        assert queue.wait_for_waiting(1, WAIT)
        assert order == []  # not in its transaction yet
        holder.release()
        w.join(WAIT)
    assert (order, errors) == (["second"], [])
    assert _counts(db) == (2, 2)


def test_writers_get_their_turn_in_the_order_they_came(path: Path, tmp_path: Path) -> None:
    """Five writers queued one after another behind a holder, over two Databases on the
    same file (one through a symlink): the turns come in arrival order."""
    link = tmp_path / "link.db"
    link.symlink_to(path)
    dbs = [_impatient(f"sqlite:///{path}"), _impatient(f"sqlite:///{link}")]
    queue = queue_for(dbs[0].engine.url)
    assert queue_for(dbs[1].engine.url) is queue
    order: list[str] = []
    errors: list[BaseException] = []
    writers = [_writer(dbs[i % 2], f"w{i}", order, errors) for i in range(5)]
    with Holder(dbs[0]) as holder:
        for i, w in enumerate(writers):
            w.start()
            assert queue.wait_for_waiting(i + 1, WAIT)  # queued before the next one starts
        holder.release()
        for w in writers:
            w.join(WAIT)
    assert errors == []
    assert order == ["w0", "w1", "w2", "w3", "w4"]

    def stored(s: Session) -> list[str]:
        return list(s.execute(text("SELECT who FROM scans ORDER BY id")).scalars())

    assert dbs[1].run(stored, readonly=True) == ["holder", *order]
    assert queue.holder() is None and queue.waiting() == 0
    for d in dbs:
        d.dispose()


def test_a_write_inside_a_write_on_the_same_thread_is_refused(db: Database, path: Path) -> None:
    other = _impatient(f"sqlite:///{path}")  # another Database on the same file: same queue

    for inner in (db, other):

        def outer(s: Session, inner: Database = inner) -> None:
            _scan("outer")(s)
            inner.run(_scan("inner"))

        with pytest.raises(NestedWriteTransaction, match="inside another one on the same thread"):
            db.run(outer)

    # Both outer transactions rolled back, the turn is free again, and reads may nest.
    assert queue_for(db.engine.url).holder() is None
    assert db.run(lambda s: _counts(other)) == (0, 0)
    db.run(_scan("after"))
    assert _counts(db) == (1, 1)
    other.dispose()


def test_writers_on_different_files_do_not_share_a_turn(db: Database, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    _make_tables(elsewhere)
    second = _impatient(f"sqlite:///{elsewhere}")
    db.run(lambda s: second.run(_scan("nested on another file")))
    assert _counts(second) == (1, 1)
    second.dispose()


def test_a_reader_is_not_queued_behind_a_writer(db: Database) -> None:
    with Holder(db) as holder:
        # The holder's row is not committed; a queued reader would wait for it (and fail
        # after the queue's timeout), an unqueued one reads the last commit at once.
        assert _counts(db) == (0, 0)
        assert queue_for(db.engine.url).holder() == holder.thread.ident
        holder.release()
    assert _counts(db) == (1, 1)


def test_a_writer_of_another_process_is_still_retried(path: Path) -> None:
    """Another process's writer is outside the queue: busy handler, then db.py's retries."""
    db = _impatient(f"sqlite:///{path}", max_attempts=1000)
    locked = threading.Event()

    @event.listens_for(db.engine, "handle_error")
    def _seen(ctx: Any) -> None:
        if "database is locked" in str(ctx.original_exception):
            locked.set()

    outsider = sqlite3.connect(path, isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    outsider.execute("INSERT INTO scans (who) VALUES ('outsider')")
    errors: list[BaseException] = []
    order: list[str] = []
    w = _writer(db, "retried", order, errors)
    w.start()
    assert locked.wait(WAIT)  # the first attempt met the outsider's lock
    outsider.execute("COMMIT")
    outsider.close()
    w.join(WAIT)
    assert errors == [] and order[-1] == "retried"
    assert _counts(db) == (2, 1)
    db.dispose()


def test_the_queue_gives_up_after_its_timeout_and_forgets_the_waiter() -> None:
    queue = WriteQueue("test")
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        queue.acquire()
        held.set()
        done.wait(WAIT)
        queue.release()

    t = threading.Thread(target=hold)
    t.start()
    assert held.wait(WAIT)
    assert queue.acquire(timeout=0.01) is False
    assert queue.waiting() == 0
    done.set()
    t.join(WAIT)
    assert queue.acquire(timeout=0) is True
    queue.release()
    with pytest.raises(RuntimeError, match="not this thread's"):
        queue.release()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "full"), ("", "full"), ("full", "full"), (" NORMAL ", "normal"), ("Full", "full")],
)
def test_synchronous_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str
) -> None:
    if value is None:
        monkeypatch.delenv("SCANTRACK_SQLITE_SYNCHRONOUS", raising=False)
    else:
        monkeypatch.setenv("SCANTRACK_SQLITE_SYNCHRONOUS", value)
    assert sqlite_synchronous() == expected


@pytest.mark.parametrize("value", ["off", "extra", "2", "fast"])
def test_a_bad_synchronous_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, path: Path, value: str
) -> None:
    monkeypatch.setenv("SCANTRACK_SQLITE_SYNCHRONOUS", value)
    with pytest.raises(InvalidConfiguration) as e:
        Database.from_url(f"sqlite:///{path}")
    assert e.value.code == "invalid_configuration"
    assert str(e.value) == f"SCANTRACK_SQLITE_SYNCHRONOUS is '{value}': it must be full or normal"


@pytest.mark.parametrize(("value", "pragma"), [(None, 2), ("normal", 1), ("full", 2)])
def test_the_connections_use_the_chosen_synchronous(
    monkeypatch: pytest.MonkeyPatch, path: Path, value: str | None, pragma: int
) -> None:
    monkeypatch.delenv("SCANTRACK_SQLITE_SYNCHRONOUS", raising=False)
    if value is not None:
        monkeypatch.setenv("SCANTRACK_SQLITE_SYNCHRONOUS", value)
    db = Database.from_url(f"sqlite:///{path}")
    assert db.run(lambda s: s.execute(text("PRAGMA synchronous")).scalar_one()) == pragma
    db.dispose()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_with_a_free_queue(db: Database) -> None:
    """A turn held by a thread of the parent does not exist in the child."""
    with Holder(db) as holder:
        queue = queue_for(db.engine.url)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: no holder thread here, so the turn must be free
            ok = queue.holder() is None and queue.acquire(timeout=0)
            os.write(w, b"1" if ok else b"0")
            os._exit(0)
        os.close(w)
        got = os.read(r, 1)
        os.close(r)
        os.waitpid(pid, 0)
        holder.release()
    assert got == b"1"
