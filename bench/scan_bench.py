"""One scan through the gateway: SQL statements per mode at 1 and 50 lines, and the receive flow.

Everything goes through the stable entry points only, so the suite runs unchanged while the
scan path underneath is rewritten: ``Gateway(core, interpret).scan(ScanRequest(...))`` for
every scan (setup scans included: picking for the ship check, filling a document before
its confirm) and the ``Tracking`` facade for master data, documents and stock.

Statements: an SQLAlchemy ``before_cursor_execute`` listener on the core's engine around
exactly one scan (after a warm-up scan of the same kind on the same document). On SQLite
the engine says ``BEGIN IMMEDIATE`` itself, so BEGIN is counted; COMMIT is the driver's
``commit()`` and is not. On PostgreSQL psycopg opens and commits the transaction itself:
neither is counted. Transactions are counted apart (the engine's ``begin`` event).

Each case has a location of its own (its stock and its lines), so the cases never see each
other's lots or serials. The other 49 lines of a 50-line document are one unit each of
other serial items, at the same location.

The receive flow is :func:`bench.gateway_bench.receive_flow`, on SQLite and, with a
PostgreSQL ``--database-url``, on PostgreSQL too (that database is emptied first).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.core_bench import _fresh, _ms
from bench.gateway_bench import receive_flow
from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from scanner_gateway.session.gateway import ScanRequest
from tracking_core.core import Tracking
from tracking_core.values import LineSpec

Row = dict[str, Any]
GS = "\x1d"
GTIN_LAP = "09506000134352"
GTIN_MILK = "09506000134376"
LINES = (1, 50)
TARGET = "≤ 8, the same at 1 and 50 lines"


def gtin(n: int) -> str:
    """A valid GTIN-14 for filler item ``n`` (GS1 check digit: weights 3, 1 from the right)."""
    body = f"0950600099{n:03d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def serial_label(gtin14: str, serial: str) -> str:
    return f"]C101{gtin14}21{serial}"


def lot_label(lot: str, quantity: int) -> str:
    return f"]C101{GTIN_MILK}10{lot}{GS}30{quantity}"


@dataclass
class Bench:
    """A database with the items, one gateway, and scan ids that never repeat."""

    core: Tracking
    gw: Gateway
    seq: int = 0
    unexpected: list[str] = field(default_factory=list)  # setup scans that were not ok

    def scan(self, device: str, raw: str) -> Any:
        self.seq += 1
        return self.gw.scan(ScanRequest(device, f"bench-{self.seq}", raw))

    def setup(self, device: str, *raws: str) -> None:
        for raw in raws:
            fb = self.scan(device, raw)
            if fb.status != "ok":
                self.unexpected.append(f"{device} {raw!r}: {fb.status} {fb.code} {fb.message}")

    def document(self, kind: str, first: LineSpec, lines: int, partner: str) -> str:
        rest = [LineSpec(f"F{i:02d}", 1, first.location) for i in range(1, lines)]
        return self.core.create_document(kind, partner=partner, lines=[first, *rest]).number


def world(database_url: str | None, work: Path) -> Bench:
    core = _fresh(database_url, work, "scan")
    core.update_item("LAP", gtins=[GTIN_LAP])
    core.update_item("MILK", gtins=[GTIN_MILK])
    for i in range(1, max(LINES)):
        core.create_item(sku=f"F{i:02d}", tracking="serial", gtins=[gtin(i)])
    return Bench(core, Gateway(core, interpret, double_read_window=0))


# --- the cases: each sets up its document and device, and returns the one scan to count ---

Case = Callable[[Bench, str, int], tuple[str, str]]


def receive_serial(b: Bench, tag: str, lines: int) -> tuple[str, str]:
    doc = b.document("receipt", LineSpec("LAP", 1_000, tag), lines, "V1")
    b.setup(tag, "CMD:MODE:RECEIVE", f"DOC:{doc}", serial_label(GTIN_LAP, f"{tag}W"))
    return tag, serial_label(GTIN_LAP, f"{tag}T")


def receive_lot(b: Bench, tag: str, lines: int) -> tuple[str, str]:
    doc = b.document("receipt", LineSpec("MILK", 1_000, tag), lines, "V1")
    b.setup(tag, "CMD:MODE:RECEIVE", f"DOC:{doc}", lot_label(f"{tag}W", 2))
    return tag, lot_label(f"{tag}T", 2)


def _serial_shipment(b: Bench, tag: str, lines: int) -> tuple[str, list[str]]:
    """Three LAP serials in stock at ``tag`` and a shipment of them (first line)."""
    serials = [f"{tag}{x}" for x in "WTX"]
    b.core.receive(item="LAP", location=tag, quantity=3, serials=serials, partner="V1")
    return b.document("shipment", LineSpec("LAP", 3, tag), lines, "C1"), serials


def pick_serial(b: Bench, tag: str, lines: int) -> tuple[str, str]:
    doc, serials = _serial_shipment(b, tag, lines)
    b.setup(tag, "CMD:MODE:PICK", f"DOC:{doc}", serial_label(GTIN_LAP, serials[0]))
    return tag, serial_label(GTIN_LAP, serials[1])


def pick_another_lot(b: Bench, tag: str, lines: int) -> tuple[str, str]:
    """The suggested lot is SOON (first in and first to expire); the counted scan is LATE."""
    for lot, month in (("SOON", 1), ("LATE", 3)):
        b.core.receive(
            item="MILK",
            location=tag,
            quantity=10,
            lot=f"{tag}{lot}",
            expiry=dt.date(2099, month, 1),
            partner="V1",
        )
    doc = b.document("shipment", LineSpec("MILK", 6, tag), lines, "C1")
    b.setup(tag, "CMD:MODE:PICK", f"DOC:{doc}", lot_label(f"{tag}SOON", 1))
    return tag, lot_label(f"{tag}LATE", 1)


def ship_check(b: Bench, tag: str, lines: int) -> tuple[str, str]:
    """Picked by another handheld, then checked serial by serial in ship mode."""
    doc, serials = _serial_shipment(b, tag, lines)
    picks = [serial_label(GTIN_LAP, s) for s in serials[:2]]
    b.setup(f"{tag}-PICK", "CMD:MODE:PICK", f"DOC:{doc}", *picks)
    b.setup(tag, "CMD:MODE:SHIP", f"DOC:{doc}", picks[0])
    return tag, picks[1]


def confirm(b: Bench, tag: str, lines: int) -> tuple[str, str]:
    """A receipt whose every line was scanned complete, posted by CMD:CONFIRM."""
    doc = b.document("receipt", LineSpec("LAP", 1, tag), lines, "V1")
    fill = [serial_label(GTIN_LAP, f"{tag}W")]
    fill += [serial_label(gtin(i), f"{tag}F{i:02d}") for i in range(1, lines)]
    b.setup(tag, "CMD:MODE:RECEIVE", f"DOC:{doc}", *fill)
    return tag, "CMD:CONFIRM"


# mode key -> (what the README calls it, the case, a short tag for its locations)
CASES: dict[str, tuple[str, Case, str]] = {
    "receive_serial": ("receive serial", receive_serial, "RS"),
    "receive_lot": ("receive lot", receive_lot, "RL"),
    "pick_serial": ("pick serial", pick_serial, "PS"),
    "pick_another_lot": ("pick lot, another lot than suggested", pick_another_lot, "PL"),
    "ship_check": ("ship check (serial on the shipment)", ship_check, "SC"),
    "confirm": ("confirm (CMD:CONFIRM posts the receipt)", confirm, "CF"),
}


def count(b: Bench, device: str, raw: str) -> dict[str, Any]:
    """The statements (by first keyword) and transactions of exactly one scan."""
    engine = b.core.db.engine
    statements: Counter[str] = Counter()
    transactions = 0

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements[statement.split(None, 1)[0].upper()] += 1

    def on_begin(_conn: Any) -> None:
        nonlocal transactions
        transactions += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "begin", on_begin)
    try:
        t = time.perf_counter()
        fb = b.scan(device, raw)
        elapsed = time.perf_counter() - t
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "begin", on_begin)
    return {
        "statements": sum(statements.values()),
        "by_kind": dict(statements.most_common()),
        "transactions": transactions,
        "status": fb.status,
        "code": fb.code,
        "ms": _ms(elapsed),  # one sample: for the JSON, not a figure
    }


def statement_rows(b: Bench, db_label: str) -> list[Row]:
    dialect = b.core.db.engine.dialect.name
    rows: list[Row] = []
    for key, (label, case, short) in CASES.items():
        at: dict[int, dict[str, Any]] = {}
        for lines in LINES:
            tag = f"{short}{lines}"
            b.core.create_location(code=tag)
            device, raw = case(b, tag, lines)
            at[lines] = count(b, device, raw)
        counts = " / ".join(str(at[n]["statements"]) for n in LINES)
        rows.append(
            {
                "name": f"SQL statements per scan, {label}, at 1 / 50 lines ({db_label})",
                "value": counts,
                "unit": "statements",
                "target": TARGET,
                "mode": key,
                "database": dialect,
                **{f"at_{n}": at[n] for n in LINES},
            }
        )
    return rows


def suite(database_url: str | None, work: Path, db_label: str, scans: int) -> list[Row]:
    b = world(database_url, work)
    try:
        rows = statement_rows(b, db_label)
        if b.unexpected:
            raise RuntimeError("setup scans not ok:\n" + "\n".join(b.unexpected[:10]))
        doc = b.core.create_document(
            "receipt", partner="V1", lines=[LineSpec("LAP", scans, "A1")]
        ).number
        flow = receive_flow(b.core, doc, scans, label=f" ({db_label})")
        if b.core.db.engine.dialect.name == "sqlite":
            flow[0]["target"] = "≥ 1,000 scans/s"
        rows += flow
        return rows
    finally:
        b.core.db.dispose()


def run(*, database_url: str | None, work: Path, quick: bool) -> list[Row]:
    """SQLite always (a fresh file); PostgreSQL as well when the URL names it (emptied)."""
    scans = 50 if quick else 1_000
    rows = suite(None, work, "SQLite", scans)
    if database_url and database_url.startswith("postgresql"):
        rows += suite(database_url, work, "PostgreSQL", scans)
    return rows
