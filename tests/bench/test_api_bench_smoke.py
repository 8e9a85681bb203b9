"""The ERP reads' benchmark at a tiny size: the ledger is seeded exactly, and every read ran.

No timing is asserted: this checks that the seed writes exactly the records asked for in a
ledger the core finds consistent with its stock (the bulk lot records go through the seq
triggers), and that each read answered 200 every time, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from bench import api_bench
from bench.__main__ import SUITES

READS = 8


def test_quick_mode_seeds_and_reads(tmp_path: Path, database_url: str | None) -> None:
    assert SUITES["api"] is api_bench.run
    rows = api_bench.run(database_url=database_url, work=tmp_path, quick=True, records=3000)
    databases = ["SQLite"] + (["PostgreSQL"] if database_url else [])
    assert [r["database"] for r in rows] == [d for d in databases for _ in range(READS + 2)]
    for db in databases:
        seed, check, *reads = [r for r in rows if r["database"] == db]
        assert seed["name"] == f"seed 3,000 ledger records ({db})" and seed["value"] >= 0
        assert (check["name"].endswith(f"(check) ({db})"), check["value"]) == (True, 0)
        assert len(reads) == READS
        for r in reads:
            assert r["samples"] == 5 and 0 < r["p50_ms"] <= r["p99_ms"], r
        paths = [r["path"] for r in reads]
        assert paths[:3] == [
            "/ledger?since=0&limit=1000",
            "/ledger?since=1500&limit=1000",
            "/ledger?since=3000",
        ]
    assert list(tmp_path.iterdir()) == []  # the bench's files are gone
