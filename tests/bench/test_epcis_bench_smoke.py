"""The EPCIS export benchmark at a tiny size: the fixture makes the events it says, and the
export reads them all. No timing is asserted."""

from __future__ import annotations

from pathlib import Path

from bench import epcis_bench
from bench.__main__ import SUITES


def test_a_tiny_run_exports_every_event(tmp_path: Path, database_url: str | None) -> None:
    assert SUITES["epcis"] is epcis_bench.run
    fixture, export, cpu, documents = epcis_bench.run(
        database_url=database_url, work=tmp_path, quick=True, size=400
    )
    assert fixture["name"] == "fixture: 400 EPCIS events"
    assert export["name"].startswith("export 400 EPCIS events") and export["value"] > 0
    assert cpu["value"] > 0
    # 2 rounds of 4 documents: receipt (2 events), lot receipt, shipment, transfer (2)
    assert documents["name"] == "export the 12 events of 8 documents"
