"""The tracking core: bulk receive/ship, one scan-sized call, history and trace vs ledger size."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracking_core.core import ScanKey, Tracking
from tracking_core.db import Database
from tracking_core.migrate import upgrade
from tracking_core.values import LineSpec

Row = dict[str, Any]


def _fresh(database_url: str | None, work: Path, name: str) -> Tracking:
    if database_url is None:
        path = work / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    else:
        empty_postgres(database_url)
    db = Database.from_url(database_url)
    upgrade(db.engine)
    core = Tracking(db)
    for code in ("A1", "A2"):
        core.create_location(code=code)
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%%%%%")
    core.create_item(sku="MILK", tracking="lot", shelf_life_days=30)
    return core


def empty_postgres(database_url: str) -> None:
    """Migrate a PostgreSQL database and empty every table (a fresh start per suite)."""
    from sqlalchemy import text

    from tracking_core.models import Base

    db = Database.from_url(database_url)
    upgrade(db.engine)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as c:
        c.execute(text("SET session_replication_role = replica"))
        c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))]


def _ms(x: float) -> float:
    return round(x * 1000, 3)


def _short_ms(ms: float) -> str:
    """Milliseconds to about three significant figures, for a table: 2.44, 28.1, 1,174."""
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def run(*, database_url: str | None, work: Path, quick: bool) -> list[Row]:
    rows: list[Row] = []
    n = 10_000 if quick else 100_000
    core = _fresh(database_url, work, "bulk")
    t_recv = _timed(lambda: core.receive(item="LAP", location="A1", quantity=n, partner="V1"))
    rows.append(
        {
            "name": f"receive+post {n:,} serials",
            "value": round(t_recv, 2),
            "unit": "s",
            "target": "<= 5 s for 100,000",
        }
    )
    t_ship = _timed(lambda: core.ship(item="LAP", location="A1", quantity=n, partner="C1"))
    rows.append(
        {
            "name": f"ship+post {n:,} serials",
            "value": round(t_ship, 2),
            "unit": "s",
            "target": "<= 5 s for 100,000",
        }
    )
    rows.append({"name": "serials per second (receive)", "value": round(n / t_recv), "unit": "/s"})

    # One scan-sized call: idempotency row + allocation (+ the ledger on posting below).
    calls = 300 if quick else 1000
    core.receive(item="LAP", location="A2", quantity=calls, partner="V1")
    doc = core.create_document("shipment", lines=[LineSpec("LAP", calls, "A2")], partner="C1")
    serials = _serials_at(core, "A2", calls)
    samples = []
    for i, sn in enumerate(serials):
        key = ScanKey("HH-BENCH", f"scan-{i}")
        samples.append(
            _timed(
                lambda sn=sn, key=key: core.allocate_serials(
                    doc.number, line=1, serials=[sn], scan=key
                )
            )
        )
    rows.append(
        {
            "name": "scan call (allocate 1 serial) p50",
            "value": _ms(_pct(samples, 0.5)),
            "unit": "ms",
            "target": "<= 2 ms",
        }
    )
    rows.append(
        {
            "name": "scan call (allocate 1 serial) p99",
            "value": _ms(_pct(samples, 0.99)),
            "unit": "ms",
            "target": "<= 10 ms",
        }
    )
    replay = [
        _timed(
            lambda: core.allocate_serials(
                doc.number, line=1, serials=[serials[0]], scan=ScanKey("HH-BENCH", "scan-0")
            )
        )
        for _ in range(200)
    ]
    rows.append({"name": "scan replay p50", "value": _ms(statistics.median(replay)), "unit": "ms"})
    gen_doc = core.create_document("receipt", lines=[LineSpec("LAP", calls, "A1")], partner="V1")
    gen = [
        _timed(
            lambda i=i: core.generate_serials(
                gen_doc.number, line=1, count=1, scan=ScanKey("HH-BENCH", f"gen-{i}")
            )
        )
        for i in range(calls)
    ]
    rows.append(
        {"name": "scan call (generate 1 serial) p50", "value": _ms(_pct(gen, 0.5)), "unit": "ms"}
    )
    rows.append(
        {"name": "scan call (generate 1 serial) p99", "value": _ms(_pct(gen, 0.99)), "unit": "ms"}
    )
    core.db.dispose()
    rows.extend(_growth(database_url, work, quick))
    return rows


def _serials_at(core: Tracking, location: str, count: int) -> list[str]:
    from sqlalchemy import select

    from tracking_core.models import Location, SerialNumber

    def q(s: Any) -> list[str]:
        loc = s.execute(select(Location.id).where(Location.code == location)).scalar_one()
        return list(
            s.execute(
                select(SerialNumber.serial)
                .where(SerialNumber.location_id == loc, SerialNumber.status == "in_stock")
                .order_by(SerialNumber.id)
                .limit(count)
            ).scalars()
        )

    return core.db.run(q, readonly=True)


def _growth(database_url: str | None, work: Path, quick: bool) -> list[Row]:
    """Serial history and lot trace timings as the ledger grows by tenfold steps."""
    rows: list[Row] = []
    core = _fresh(database_url, work, "growth")
    # A lot with a real history: received, split by a transfer, shipped from both places.
    core.receive(item="MILK", location="A1", quantity=100, lot="TRACE-LOT", partner="V1")
    core.ship(
        item="MILK",
        location="A1",
        quantity=30,
        lot="TRACE-LOT",
        doc_type="transfer",
        to_location="A2",
    )
    core.ship(item="MILK", location="A1", quantity=20, lot="TRACE-LOT", partner="C1")
    core.ship(item="MILK", location="A2", quantity=10, lot="TRACE-LOT", partner="C1")
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    have = 4
    core.receive(item="LAP", location="A1", quantity=1, partner="V1")
    serial = _serials_at(core, "A1", 1)[0]
    core.ship(item="LAP", location="A1", quantity=1, serials=[serial], partner="C1")
    have += 2
    for size in sizes:
        while have < size:
            step = min(200_000, size - have)
            core.receive(item="LAP", location="A2", quantity=step, partner="V1")
            have += step
        hist = [_timed(lambda: core.serial(serial, item="LAP")) for _ in range(50)]
        trace_f = [_timed(lambda: core.trace(item="MILK", lot="TRACE-LOT")) for _ in range(50)]
        trace_b = [
            _timed(lambda: core.trace(item="LAP", serial=serial, forward=False)) for _ in range(50)
        ]
        rows.append(
            {
                "name": f"serial history @ {size:,} records p50",
                "value": _ms(statistics.median(hist)),
                "unit": "ms",
                "target": "< 10 ms",
            }
        )
        rows.append(
            {
                "name": f"lot forward trace @ {size:,} records p50",
                "value": _ms(statistics.median(trace_f)),
                "unit": "ms",
                "target": "< 10 ms",
            }
        )
        rows.append(
            {
                "name": f"serial backward trace @ {size:,} records p50",
                "value": _ms(statistics.median(trace_b)),
                "unit": "ms",
                "target": "< 10 ms",
            }
        )
    core.db.dispose()
    return rows
