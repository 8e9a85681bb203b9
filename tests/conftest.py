"""Shared fixtures: a real database per test (an SQLite file, or PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from tracking_core.core import Tracking
from tracking_core.db import Database, make_engine
from tracking_core.migrate import upgrade
from tracking_core.models import Base

PG_URL = os.environ.get("SCANTRACK_TEST_DATABASE_URL", "")
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With CI=true a skipped test is a failure: nothing may quietly not run."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true: {report.longrepr}"


class Clock:
    """A settable clock, so expiry and quarantine dates are exact in tests."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


@contextmanager
def statements(core: Tracking) -> Iterator[list[str]]:
    """The SQL statements the core's engine sends while the block runs."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(core.db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(core.db.engine, "before_cursor_execute", note)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy (SQLite) or truncate (PostgreSQL) for each test."""
    if PG_URL:
        # One database per test process, so parallel runs never share one.
        name = f"scantrack_test_{_worker()}_{os.getpid()}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    yield str(path)


@pytest.fixture
def db_url(_template: str, tmp_path: Path) -> str:
    if PG_URL:
        engine = create_engine(_template)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as c:
            # replica mode skips the ledger's append-only triggers for the test reset only
            c.execute(text("SET session_replication_role = replica"))
            c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            c.execute(text("SET session_replication_role = origin"))
        engine.dispose()
        return _template
    path = tmp_path / "scantrack.db"
    shutil.copy(_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.from_url(db_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def core(db: Database, clock: Clock) -> Tracking:
    return Tracking(db, clock=clock)


@pytest.fixture
def is_pg() -> bool:
    return bool(PG_URL)


@pytest.fixture
def live(db_url: str) -> Iterator[Tracking]:
    """The core on the test database with the real clock, as a server or the CLI sees it."""
    db = Database.from_url(db_url)
    yield Tracking(db)
    db.dispose()
