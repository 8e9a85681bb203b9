"""Writers of one process queue for an SQLite file: one FIFO lock per database file.

SQLite lets one writer in at a time. A second writer that just tries ``BEGIN IMMEDIATE``
waits in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and so wakes
late, often long after the file is free. Queued here, a writer waits exactly for the
writers ahead of it, in the order they came, and its ``BEGIN IMMEDIATE`` then finds the
file free. Writers in other processes are not in this queue: between processes SQLite's
busy timeout (``tracking_core/db.py``) still decides.

One queue per file, whatever engine or ``Database`` opened it, so two of them on the same
file in one process queue together.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import deque

from sqlalchemy.engine import URL


class NestedWriteTransaction(RuntimeError):
    """This thread already holds the write turn of this file and asked for it again.

    SQLite has one write lock per file, so the inner transaction could only wait for the
    outer one, which waits for the inner: a deadlock. Do the inner work in the outer
    transaction's session instead.
    """


class WriteQueue:
    """A FIFO lock: ``release`` hands the turn straight to the oldest waiter."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._reset()

    def _reset(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._owner: int | None = None  # thread ident; None means no waiters either
        self._waiters: deque[tuple[int, threading.Lock]] = deque()

    def acquire(self, timeout: float | None = None) -> bool:
        """Wait for this thread's turn; False if ``timeout`` seconds passed first."""
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                raise NestedWriteTransaction(
                    f"a write transaction on {self.name} was opened inside another one "
                    "on the same thread"
                )
            if self._owner is None:
                self._owner = me
                return True
            gate = threading.Lock()
            gate.acquire()
            entry = (me, gate)
            self._waiters.append(entry)
            self._cond.notify_all()
        if gate.acquire(timeout=-1 if timeout is None else timeout):
            return True
        with self._cond:
            if entry in self._waiters:
                self._waiters.remove(entry)
                self._cond.notify_all()
                return False
        return True  # handed over between the timeout and the check above: ours after all

    def release(self) -> None:
        with self._cond:
            if self._owner != threading.get_ident():
                raise RuntimeError(f"the write turn of {self.name} is not this thread's")
            if self._waiters:
                self._owner, gate = self._waiters.popleft()
                gate.release()
            else:
                self._owner = None
            self._cond.notify_all()

    def holder(self) -> int | None:
        """The ident of the thread whose turn it is, if any."""
        with self._cond:
            return self._owner

    def waiting(self) -> int:
        with self._cond:
            return len(self._waiters)

    def wait_for_waiting(self, count: int, timeout: float) -> bool:
        """Block until ``count`` writers wait (tests and diagnostics); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._waiters) >= count, timeout)


_queues: weakref.WeakValueDictionary[str, WriteQueue] = weakref.WeakValueDictionary()
_queues_lock = threading.Lock()


def sqlite_file_key(url: URL) -> str | None:
    """The file an SQLite URL names, resolved; None for an in-memory database."""
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in database:
        return None
    if database.startswith("file:"):
        return database
    return os.path.realpath(database)


def queue_for(url: URL) -> WriteQueue:
    """The queue of the SQLite file ``url`` names (a private one for ``:memory:``)."""
    key = sqlite_file_key(url)
    if key is None:
        return WriteQueue(":memory:")
    with _queues_lock:
        queue = _queues.get(key)
        if queue is None:
            queue = _queues[key] = WriteQueue(key)
        return queue


def _after_fork_in_child() -> None:
    # Only the forking thread lives on in the child: any turn held or awaited is stale,
    # and a lock held by a vanished thread would never be released.
    global _queues_lock
    _queues_lock = threading.Lock()
    for queue in list(_queues.values()):
        queue._reset()


os.register_at_fork(after_in_child=_after_fork_in_child)
