"""The scan suite's quick mode: a statement count for every mode at 1 and 50 lines, the flow.

No timing is asserted: the counts are what the code did (positive whole numbers), each
counted scan answered what its mode answers, and every flow scan received its serial.
"""

from __future__ import annotations

from pathlib import Path

from bench import markdown_table, scan_bench

# the answer each counted scan gives: the Feedback contract, whatever the scan path
ANSWERS = {
    "receive_serial": ("ok", "generated"),
    "receive_lot": ("ok", "generated"),
    "pick_serial": ("ok", "allocated"),
    "pick_another_lot": ("warn", "allocated"),
    "ship_check": ("ok", "verified"),
    "confirm": ("ok", "posted"),
}


def test_quick_mode_counts_every_mode(tmp_path: Path, database_url: str | None) -> None:
    rows = scan_bench.run(database_url=database_url, work=tmp_path, quick=True)
    databases = ["sqlite"] + (["postgresql"] if database_url else [])
    counted = [r for r in rows if "mode" in r]
    assert sorted((r["database"], r["mode"]) for r in counted) == sorted(
        (d, m) for d in databases for m in ANSWERS
    )
    for r in counted:
        for lines in scan_bench.LINES:
            at = r[f"at_{lines}"]
            assert isinstance(at["statements"], int) and at["statements"] > 0, r
            assert at["statements"] == sum(at["by_kind"].values())
            assert at["transactions"] >= 1
            assert (at["status"], at["code"]) == ANSWERS[r["mode"]], (r["mode"], lines, at)
        assert r["value"] == " / ".join(str(r[f"at_{n}"]["statements"]) for n in scan_bench.LINES)
    checks = [r for r in rows if r["name"].startswith("serials received (check)")]
    assert [r["received"] for r in checks] == [50] * len(databases)
    assert all(r["statuses"] == {"ok": 52} for r in checks)  # mode, document, 50 serials

    table = markdown_table([("scan", r) for r in rows]).splitlines()
    assert table[:2] == ["| what | measured | target | suite |", "|---|---|---|---|"]
    figures = [r for r in rows if "(check)" not in r["name"]]
    assert [line.split(" | ")[0] for line in table[2:]] == [f"| {r['name']}" for r in figures]
    assert all(line.endswith(" | `scan` |") for line in table[2:])
