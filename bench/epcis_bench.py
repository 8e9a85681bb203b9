"""EPCIS 2.0 export (tracking_core/epcis): events per second, paging the whole outbox with
``Tracking.epcis_events`` at its default page of 500 and writing each page as JSON (what
``GET /api/v1/epcis/events`` sends). Target: at least 10,000 events/s for 100,000.

The fixture is built fast: real documents posted through the core (receipts of serials
made from a mask, so each gives a commissioning and a receiving event; lot receipts;
shipments; transfers, two events each), then the bulk as packing events written straight
to the outbox (``events.emit_many``, the shape tracking_core/packing.py writes), each with
its own serials and lot, so every EPCIS event is distinct. Two rows: the whole mix, and
the documents alone (they read the ledger and the label jobs).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from bench.core_bench import _fresh
from tracking_core import events
from tracking_core.core import Tracking

Row = dict[str, Any]
PAGE = 500


def _documents(core: Tracking, n: int) -> None:
    """``n`` rounds of: a receipt of 10 mask serials, a lot receipt, a shipment of 5
    serials, a transfer of the lot: 7 EPCIS events a round."""
    for i in range(n):
        core.receive(partner="V1", item="LAP", location="A1", quantity=10)
        core.receive(partner="V1", item="MILK", location="A1", quantity=20, lot=f"LOT-{i}")
        core.ship(partner="C1", item="LAP", location="A1", quantity=5)
        core.ship(
            item="MILK",
            location="A1",
            quantity=5,
            lot=f"LOT-{i}",
            doc_type="transfer",
            to_location="A2",
        )


def _packs(core: Tracking, n: int) -> None:
    """``n`` packing events, 5 serials and a lot quantity each, in batches of 10,000."""

    def batch(start: int, count: int) -> None:
        def fn(s: Any) -> None:
            now = dt.datetime.now(dt.UTC)
            rows = [
                events.NewEvent(
                    "container.packed",
                    None,
                    None,
                    {
                        "operation": k,
                        "container": f"PAL-{k}",
                        "scheme": "plate",
                        "location": "A1",
                        "document": None,
                        "reverses": None,
                        "serials": [{"item": "LAP", "serial": f"P{k}-{j}"} for j in range(5)],
                        "lots": [{"item": "MILK", "lot": f"PL-{k}", "quantity": 3}],
                        "containers": [],
                    },
                )
                for k in range(start, start + count)
            ]
            events.emit_many(s, now, rows)

        core.db.run(fn)

    for start in range(0, n, 10_000):
        batch(start, min(10_000, n - start))


def _export(core: Tracking, since: int, until: int) -> tuple[int, float, float]:
    """Page from ``since`` to ``until``; (EPCIS events, seconds, CPU seconds of this
    process: on a busy machine the wall clock counts the other work too)."""
    count, t, cpu = 0, time.perf_counter(), time.process_time()
    while since < until:
        page = core.epcis_events(since=since, limit=min(PAGE, until - since))
        json.dumps(page.document, separators=(",", ":"))
        count += len(page.events)
        since = page.next_since
    return count, time.perf_counter() - t, time.process_time() - cpu


def run(*, database_url: str | None, work: Path, quick: bool, size: int | None = None) -> list[Row]:
    n = size or (20_000 if quick else 100_000)
    rounds = max(1, n // 200)  # documents: 7 events a round, about 3.5% of the events
    core = _fresh(database_url, work, "epcis")
    core.update_item("LAP", gtins=["09506000134352"])
    core.update_location("A1", gln="4012345000016")
    t = time.perf_counter()
    _documents(core, rounds)
    docs_end = core.epcis_events(since=0, limit=1).last
    doc_events, _, _ = _export(core, 0, docs_end)
    _packs(core, max(0, n - doc_events))
    last = core.epcis_events(since=0, limit=1).last
    built = time.perf_counter() - t
    total, seconds, cpu = _export(core, 0, last)
    d_count, d_seconds, _ = _export(core, 0, docs_end)
    core.db.dispose()
    return [
        {"name": f"fixture: {total:,} EPCIS events", "value": round(built, 1), "unit": "s"},
        {
            "name": f"export {total:,} EPCIS events (pages of {PAGE}, as JSON)",
            "value": round(total / seconds),
            "unit": "events/s",
            "target": ">= 10,000/s for 100,000",
        },
        {
            "name": "the same by this process's CPU time",
            "value": round(total / cpu),
            "unit": "events/s",
        },
        {
            "name": f"export the {d_count:,} events of {rounds * 4:,} documents",
            "value": round(d_count / d_seconds),
            "unit": "events/s",
        },
    ]
