"""The Socket.IO benchmark's quick mode with 2 handhelds: it measures, and every ack was ok.

No timing is asserted: this only checks that the harness drives a real ``scantrack serve``
(scan and echo acks, idle connections, /proc memory) and that every scan applied once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import socket_bench

PG_URL = os.environ.get("SCANTRACK_TEST_DATABASE_URL", "")


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """PostgreSQL: a database of this test's own, since the bench empties the one it gets."""
    if not PG_URL:
        yield None  # the bench makes a fresh SQLite file
        return
    name = f"scantrack_socket_bench_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_quick_mode_with_two_handhelds(tmp_path: Path, database_url: str | None) -> None:
    rows = socket_bench.run(
        database_url=database_url,
        work=tmp_path,
        quick=True,
        levels=(2,),
        idle=2,
        seconds=1.5,
        warm=0.2,
        procs=2,
    )
    by_name = {r["name"]: r for r in rows}
    phases = [r for r in rows if r.get("event")]
    assert {(r["event"], r["handhelds"]) for r in phases} == {("echo", 2), ("scan", 2)}
    for r in phases:
        assert r["samples"] > 0 and r["p50_ms"] > 0 and r["p99_ms"] >= r["p50_ms"]
        assert r["ok"] == r["acks"], r
    assert by_name["acks not ok (all phases)"]["value"] == 0
    check = by_name["serials received (check)"]
    assert check["received"] == check["scans_ok"] > 0  # every ok scan applied exactly once
    memory = [r for r in rows if r["name"].startswith("server memory")]
    assert len(memory) == 2 and all(r["rss"] > 0 for r in memory)
    assert by_name["SQL statements per receive scan"]["value"] > 0
