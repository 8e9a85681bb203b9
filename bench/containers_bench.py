"""Cases and pallets (docs/containers.md, docs/receiving-by-sscc.md):

- receive a pallet of 10,000 serials in 40 cases, announced by its ship notice, with one
  scan (``ReceiveContainer``; target at most 1 s on SQLite), then post it;
- pack 1,000 serials into cases of 50 by scanning through the gateway in pack mode
  (``CMD:PACK``, a location, ``CMD:NEW`` per case, the unit labels, ``CMD:CONFIRM``):
  scans per second and p99;
- ship the pallet whole: allocate it on a shipment (one step) and post.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.core_bench import _fresh, _ms, _pct, _short_ms
from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from scanner_gateway.session.gateway import ScanRequest
from tracking_core.core import ScanKey, Tracking
from tracking_core.ship_notice_values import AnnouncedContainer, AnnouncedContent
from tracking_core.sscc import make_sscc
from tracking_core.values import LineSpec

GTIN_LAP = "09506000134352"
Row = dict[str, Any]


def _sscc(ref: int) -> str:
    return make_sscc(company_prefix="0614141", extension=7, serial_reference=ref)


def run(
    *, database_url: str | None, work: Path, quick: bool, scale: int | None = None
) -> list[Row]:
    """``scale``: cases and serials divided by it (a smoke run)."""
    core = _fresh(database_url, work, "containers")
    core.update_item("LAP", gtins=[GTIN_LAP])
    div = scale or (5 if quick else 1)
    rows = receive_pallet(core, cases=max(1, 40 // div), per_case=250 // div)
    rows += pack_by_scanning(core, 1000 // div, per_case=max(1, 50 // div))
    core.db.dispose()
    return rows


def receive_pallet(core: Tracking, *, cases: int, per_case: int) -> list[Row]:
    n = cases * per_case
    doc = core.create_document("receipt", partner="V1", lines=[LineSpec("LAP", n, "A1")]).number
    pallet = _sscc(1)
    boxes = [
        AnnouncedContainer(
            _sscc(100 + c),
            contents=[
                AnnouncedContent(line=1, serials=[f"R{c:02d}-{i:04d}" for i in range(per_case)])
            ],
        )
        for c in range(cases)
    ]
    t = time.perf_counter()
    core.announce_containers(doc, [AnnouncedContainer(pallet, children=boxes)])
    announced = time.perf_counter() - t
    t = time.perf_counter()
    got = core.receive_container(doc, container=pallet, scan=ScanKey("HH-DOCK", "pallet-1"))
    received = time.perf_counter() - t
    t = time.perf_counter()
    core.post(doc)
    posted = time.perf_counter() - t
    assert got.quantity == n and core.container(pallet).quantity == n
    ship = core.create_document("shipment", partner="C1", lines=[LineSpec("LAP", n, "A1")])
    t = time.perf_counter()
    core.allocate_container(ship.number, container=pallet)
    allocated = time.perf_counter() - t
    t = time.perf_counter()
    core.post(ship.number)
    shipped = time.perf_counter() - t
    what = f"a pallet of {n:,} serials in {cases} cases"
    return [
        {"name": f"announce {what} (ship notice)", "value": round(announced, 2), "unit": "s"},
        {
            "name": f"receive {what} with one scan",
            "value": round(received, 2),
            "unit": "s",
            "target": "<= 1 s on SQLite for 10,000 in 40",
        },
        {"name": f"post that receipt ({n:,} records)", "value": round(posted, 2), "unit": "s"},
        {
            "name": "allocate the pallet whole on a shipment",
            "value": round(allocated, 2),
            "unit": "s",
        },
        {"name": f"post the shipment ({n:,} records)", "value": round(shipped, 2), "unit": "s"},
    ]


def pack_by_scanning(core: Tracking, n: int, *, per_case: int) -> list[Row]:
    """``n`` serials received loose at A1, then packed by scans, ``per_case`` a case."""
    serials = [f"K-{i:06d}" for i in range(n)]
    core.receive(item="LAP", location="A1", quantity=n, serials=serials, partner="V1")
    gw = Gateway(core, interpret, double_read_window=0)
    scans = ["CMD:PACK", "LOC:A1"]
    for start in range(0, n, per_case):
        scans.append("CMD:NEW")
        scans += [f"]C101{GTIN_LAP}21{sn}" for sn in serials[start : start + per_case]]
        scans.append("CMD:CONFIRM")
    samples: list[float] = []
    statuses: dict[str, int] = {}
    start_t = time.perf_counter()
    for i, raw in enumerate(scans):
        t = time.perf_counter()
        fb = gw.scan(ScanRequest("HH-PACK", f"p{i}", raw))
        samples.append(time.perf_counter() - t)
        statuses[fb.status] = statuses.get(fb.status, 0) + 1
    total = time.perf_counter() - start_t
    packed = sum(c.quantity for c in core.containers(location="A1", limit=1000))
    p50, p99 = _ms(_pct(samples, 0.5)), _ms(_pct(samples, 0.99))
    rate = len(scans) / total
    return [
        {
            "name": f"pack {n:,} serials into cases of {per_case} by scanning (Gateway.scan)",
            "value": f"{rate:,.0f} scans/s, p50 {_short_ms(p50)} ms, p99 {_short_ms(p99)} ms",
            "unit": "",
            "per_second": round(rate, 1),
            "p50_ms": p50,
            "p99_ms": p99,
            "statuses": statuses,
        },
        {"name": "serials packed (check)", "value": packed, "unit": f"of {n:,}"},
    ]
