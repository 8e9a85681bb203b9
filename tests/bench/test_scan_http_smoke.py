"""The HTTP suite's quick mode at 1 and 2 clients: scans and /healthz, every answer ok.

No timing is asserted: this checks that the harness drives a real ``scantrack serve`` with
one device token per client and that every ok scan answer received exactly one serial.
"""

from __future__ import annotations

from pathlib import Path

from bench import scan_http


def test_quick_mode_with_one_and_two_clients(tmp_path: Path, database_url: str | None) -> None:
    rows = scan_http.run(
        database_url=database_url,
        work=tmp_path,
        quick=True,
        levels=(1, 2),
        seconds=1.0,
        warm=0.2,
        units=500,
    )
    databases = ["SQLite"] + (["PostgreSQL"] if database_url else [])
    phases = [r for r in rows if r.get("phase")]
    assert sorted((r["database"], r["phase"], r["clients"]) for r in phases) == sorted(
        (d, p, n) for d in databases for p in ("healthz", "scan") for n in (1, 2)
    )
    for r in phases:
        assert r["samples"] > 0 and r["p99_ms"] >= r["p50_ms"] > 0, r
        assert r["ok"] == r["answers"], r
    for db in databases:
        by_name = {r["name"]: r for r in rows}
        assert by_name[f"HTTP answers not ok, all phases (check) ({db})"]["value"] == 0
        check = by_name[f"HTTP serials received (check) ({db})"]
        assert check["received"] == check["scans_ok"] > 0
