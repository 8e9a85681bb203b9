"""Engines and transactions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) and PostgreSQL.

Nothing here connects at import time; ``Database.from_url`` is called by the
composition root. On SQLite the write transactions of one process wait in
``tracking_core/write_queue.py`` rather than in SQLite's busy handler.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from tracking_core.errors import (
    DatabaseDirectoryMissing,
    DomainError,
    InvalidConfiguration,
    LedgerImmutable,
    StorageError,
)
from tracking_core.write_queue import WriteQueue, queue_for

log = logging.getLogger(__name__)
T = TypeVar("T")

# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock timeout.
_RETRY_SQLSTATES = {"40001", "40P01", "55P03"}

# How long SQLite waits for a writer of another process, and a writer of this process
# for the writers queued ahead of it.
BUSY_TIMEOUT_S = 60

Synchronous = Literal["full", "normal"]
SYNCHRONOUS_ENV = "SCANTRACK_SQLITE_SYNCHRONOUS"
_SYNCHRONOUS: dict[str, Synchronous] = {"full": "full", "normal": "normal"}


def data_dir() -> Path:
    """Where the default database and the admin token file live, whatever the current directory.

    ``SCANTRACK_DATA_DIR`` if set; else in a source checkout (``make run``) its ``var/``; an
    installed scantrack uses ``$XDG_DATA_HOME/scantrack`` (``~/.local/share/scantrack``).
    """
    if os.environ.get("SCANTRACK_DATA_DIR"):
        return Path(os.environ["SCANTRACK_DATA_DIR"]).absolute()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "tracking_core").is_dir():
        return checkout / "var"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "scantrack"


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'scantrack.db'}"


def database_url() -> str:
    return os.environ.get("SCANTRACK_DATABASE_URL") or default_url()


def sqlite_synchronous() -> Synchronous:
    """``PRAGMA synchronous`` from ``SCANTRACK_SQLITE_SYNCHRONOUS``: ``full`` unless set.

    In WAL mode FULL syncs the log at every commit, so an acknowledged scan survives a
    power cut; NORMAL syncs only at checkpoints (the file stays consistent, but the last
    commits before the cut can be gone). README.md, "Integrity", has the figures.
    """
    raw = os.environ.get(SYNCHRONOUS_ENV, "")
    value = _SYNCHRONOUS.get(raw.strip().lower() or "full")
    if value is not None:
        return value
    raise InvalidConfiguration(variable=SYNCHRONOUS_ENV, value=raw, expected="full or normal")


def _sqlite_engine(url: str, *, synchronous: Synchronous = "full", **kw: Any) -> Engine:
    parsed = make_url(url)
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        path = Path(parsed.database)
        if path.parent == data_dir() and url == default_url():
            path.parent.mkdir(parents=True, exist_ok=True)  # our own folder, made on first use
        elif not path.parent.is_dir():
            # Never make folders for a URL someone typed: a typo would hide the database.
            raise DatabaseDirectoryMissing(
                path=str(path.absolute()), directory=str(path.parent.absolute())
            )
    if synchronous not in _SYNCHRONOUS:
        raise ValueError(f"synchronous must be full or normal, not {synchronous!r}")
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}, **kw
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so we can say BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: no deadlock-prone lock upgrades.
        if conn.get_execution_options().get("scantrack_readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: str | None = None, *, synchronous: Synchronous = "full", **kw: Any) -> Engine:
    """An engine; ``synchronous`` is SQLite's (PostgreSQL has its own settings)."""
    url = url or database_url()
    if url.startswith("sqlite"):
        return _sqlite_engine(url, synchronous=synchronous, **kw)
    return create_engine(url, pool_pre_ping=True, **kw)


def _retryable(exc: DBAPIError) -> bool:
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


@dataclass
class Database:
    """The engine plus the one way to run a transaction against it.

    On SQLite, write transactions take a turn in the file's ``WriteQueue`` first
    (``queue_writes=False`` leaves the waiting to SQLite's busy handler, for comparison).
    """

    engine: Engine
    max_attempts: int = 8
    queue_writes: bool = True
    _queue: WriteQueue | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        if self.queue_writes and self.engine.dialect.name == "sqlite":
            self._queue = queue_for(self.engine.url)

    @classmethod
    def from_url(
        cls, url: str | None = None, *, synchronous: Synchronous | None = None, **kw: Any
    ) -> Database:
        """The composition root's way in: SQLite's ``synchronous`` from the environment."""
        sync = synchronous or sqlite_synchronous()
        return cls(make_engine(url, synchronous=sync, **kw))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """One transaction; commits when the block ends without an exception."""
        bind = self.engine.execution_options(scantrack_readonly=readonly)
        with (
            self._write_turn(readonly),
            Session(bind=bind, expire_on_commit=False, autoflush=False) as s,
            s.begin(),
        ):
            yield s

    def _write_turn(self, readonly: bool) -> AbstractContextManager[None]:
        """This thread's turn to write, held until the transaction has committed."""
        if readonly or self._queue is None:
            return nullcontext()
        return _turn(self._queue)

    def run(self, fn: Callable[[Session], T], *, readonly: bool = False) -> T:
        """Run ``fn`` in one transaction, retrying lock conflicts; only domain errors escape."""
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.session(readonly=readonly) as s:
                    return fn(s)
            except DomainError:
                raise
            except DBAPIError as exc:
                if "append-only" in str(exc.orig):
                    raise LedgerImmutable(table=_ledger_table(exc)) from exc
                if isinstance(exc, IntegrityError):
                    # A concurrent writer won a race the pre-checks could not see; the
                    # retry re-reads and raises the precise domain error.
                    if attempt < min(3, self.max_attempts):
                        continue
                    log.warning("integrity error after retries: %s", exc.orig)
                    reason = f"constraint violated: {_first_line(exc.orig)}"
                    raise StorageError(reason=reason) from exc
                if _retryable(exc) and attempt < self.max_attempts:
                    time.sleep(min(0.2, 0.005 * 2**attempt) * random.random())
                    continue
                log.exception("database error")
                raise StorageError(reason=_first_line(exc.orig)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _turn(queue: WriteQueue) -> Iterator[None]:
    if not queue.acquire(timeout=BUSY_TIMEOUT_S):
        ahead = f"the writers queued ahead did not finish in {BUSY_TIMEOUT_S} s"
        raise StorageError(reason=f"database is locked: {ahead}")
    try:
        yield
    finally:
        queue.release()


def _ledger_table(exc: DBAPIError) -> str:
    text = str(exc.orig)
    return "lot_transactions" if "lot_transactions" in text else "serial_transactions"


def _first_line(obj: object) -> str:
    return str(obj).strip().splitlines()[0] if str(obj).strip() else type(obj).__name__
