"""The SQLite writers' benchmark in quick mode: every measurement ran, and no writer failed.

No timing is asserted: this only checks that each configuration (raw sqlite3; Database
with 1 and 8 writers, queue on and off; FULL and NORMAL) measured every transaction.
"""

from __future__ import annotations

from pathlib import Path

from bench import sqlite_bench
from bench.__main__ import SUITES


def test_quick_mode_measures_every_configuration(tmp_path: Path) -> None:
    assert SUITES["sqlite"] is sqlite_bench.run
    rows = sqlite_bench.run(database_url=None, work=tmp_path, quick=True)
    *measured, check = rows
    configs = {(r["synchronous"], r.get("writers", 1), r.get("queue")) for r in measured}
    assert configs == {
        (sync, writers, queue)
        for sync in ("full", "normal")
        for writers, queue in ((1, None), (1, True), (1, False), (8, True), (8, False))
    }
    assert len(measured) == len(configs)
    for r in measured:
        assert r["per_second"] > 0 and r["tx"] == 40, r
        assert 0 < r["p50_ms"] <= r["p99_ms"], r
    assert (check["name"], check["value"]) == ("write transactions failed (check)", 0)
    assert list(tmp_path.iterdir()) == []  # the bench's files are gone
