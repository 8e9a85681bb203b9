"""The Socket.IO benchmark's quick mode with 2 handhelds: it measures, and every ack was ok.

No timing is asserted: this only checks that the harness drives a real ``scantrack serve``
(scan and echo acks, idle connections, /proc memory) and that every scan applied once.
"""

from __future__ import annotations

from pathlib import Path

from bench import socket_bench


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
