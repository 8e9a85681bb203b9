"""A receive flow through the gateway: raw scans -> sessions -> core, on SQLite."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.core_bench import _fresh, _ms, _pct, _short_ms
from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from scanner_gateway.session.gateway import ScanRequest
from tracking_core.core import Tracking
from tracking_core.values import LineSpec

GTIN_LAP = "09506000134352"


def run(*, database_url: str | None, work: Path, quick: bool) -> list[dict[str, Any]]:
    n = 200 if quick else 1000
    core = _fresh(database_url, work, "gateway")
    core.update_item("LAP", gtins=[GTIN_LAP])
    doc = core.create_document("receipt", lines=[LineSpec("LAP", n, "A1")], partner="V1")
    rows = receive_flow(core, doc.number, n)
    core.db.dispose()
    return rows


def receive_flow(core: Tracking, doc: str, n: int, label: str = "") -> list[dict[str, Any]]:
    """Mode, document, then ``n`` GS1 serial scans of LAP (GTIN_LAP) into receipt ``doc``."""
    gw = Gateway(core, interpret, double_read_window=0)
    scans = ["CMD:MODE:RECEIVE", f"DOC:{doc}"]
    scans += [f"]C101{GTIN_LAP}21BENCH-{i:06d}" for i in range(n)]
    samples = []
    statuses: dict[str, int] = {}
    start = time.perf_counter()
    for i, raw in enumerate(scans):
        t = time.perf_counter()
        fb = gw.scan(ScanRequest("HH-BENCH", f"b{i}", raw))
        samples.append(time.perf_counter() - t)
        statuses[fb.status] = statuses.get(fb.status, 0) + 1
    total = time.perf_counter() - start
    assigned = core.document(doc).assigned
    p50, p99 = _ms(_pct(samples, 0.5)), _ms(_pct(samples, 0.99))
    rate = len(scans) / total
    return [
        {
            "name": f"receive flow, {n:,} GS1 serial scans through Gateway.scan{label}",
            "value": f"{rate:,.0f} scans/s, p50 {_short_ms(p50)} ms, p99 {_short_ms(p99)} ms",
            "unit": "",
            "per_second": round(rate, 1),
            "p50_ms": p50,
            "p99_ms": p99,
        },
        {
            "name": f"serials received (check){label}",
            "value": assigned,
            "unit": f"of {n:,}",
            "received": assigned,
            "statuses": statuses,
        },
    ]
