"""The containers benchmark at a tiny size: the pallet is received, posted and shipped
whole, and every packed serial is in a case. No timing is asserted."""

from __future__ import annotations

from pathlib import Path

from bench import containers_bench
from bench.__main__ import SUITES


def test_a_tiny_run_receives_ships_and_packs(tmp_path: Path, database_url: str | None) -> None:
    assert SUITES["containers"] is containers_bench.run
    rows = containers_bench.run(database_url=database_url, work=tmp_path, quick=True, scale=25)
    names = [r["name"] for r in rows]
    assert names[1] == "receive a pallet of 10 serials in 1 cases with one scan"
    pack, check = rows[-2], rows[-1]
    assert pack["statuses"] == {"ok": pack["statuses"]["ok"]}  # no scan refused
    assert (check["value"], check["unit"]) == (40, "of 40")
