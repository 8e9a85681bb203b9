"""The reads an ERP polls most, at 10^6 ledger records: p50 / p99 through the Flask test client.

``GET /ledger?since=`` near the start, near the end and at the end (JSON pages of 1,000, and a
CSV stream of 10,000), ``GET /documents/{n}`` and ``GET /stock`` with and without an item.

The ledger is seeded fast and in the schema's terms: serial records through the core's bulk
paths (a receipt of many serials from the mask, a shipment of most of them by suggestion, one
call each), lot records by one ``INSERT ... SELECT`` per chunk, numbered from a block of the
ledger's counter (``tracking_core/ledger_seq.py``), so the seq triggers accept them, with the
lots' stock raised to match. Always on a fresh SQLite file; on PostgreSQL as well when
``--database-url`` names one (emptied first).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from bench.core_bench import _fresh, _pct, _short_ms
from tracking_core import ledger_seq
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.models import UtcDateTime
from tracking_core.values import LineSpec
from web_mobile.app import create_app

Row = dict[str, Any]
TOKEN = "bench-api-token-0123456789"
LOTS = 1000  # lots the bulk lot records spread over
PAGE = 1000  # the JSON page an ERP asks for
STREAM = 10_000  # records in the CSV stream measured

# 0 .. :count - 1, the same on SQLite and PostgreSQL
_NUMBERS = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1)"
# one batch of lot receipts: seq from ``first``, round-robin over the bench's lots
_LOT_RECORDS = f"""
{_NUMBERS}
INSERT INTO lot_transactions (seq, lot_id, item_id, document_id, line_id, doc_type,
    partner_id, to_location_id, quantity, cost, posted_at, token)
SELECT :first + i, :lot0 + i % :lots, :item, :doc, :line, 'receipt', :partner, :loc,
    1, 1.5, :at, 'bench'
FROM n
"""


def _ids(s: Session, table: str, key: str, value: str) -> int:
    return int(s.execute(text(f"SELECT id FROM {table} WHERE {key} = :v"), {"v": value}).one()[0])


def _make_lots(core: Tracking, at: dt.datetime) -> None:
    def make(s: Session) -> None:
        milk = _ids(s, "items", "sku", "MILK")
        s.execute(
            text(
                f"{_NUMBERS} INSERT INTO lots (item_id, lot, status, created_at, unit_cost)"
                " SELECT :item, 'BL' || CAST(i AS VARCHAR(10)), 'available', :at, 1.5 FROM n"
            ).bindparams(bindparam("at", type_=UtcDateTime())),
            {"count": LOTS, "item": milk, "at": at},
        )
        s.execute(
            text(
                "INSERT INTO lot_stock (lot_id, location_id, on_hand, allocated)"
                " SELECT l.id, :loc, 0, 0 FROM lots l WHERE l.lot LIKE 'BL%'"
            ),
            {"loc": _ids(s, "locations", "code", "A1")},
        )

    core.db.run(make)


def _lot_records(core: Tracking, count: int, at: dt.datetime) -> None:
    """``count`` lot receipt records on one posted document, numbered like a posting's."""
    doc = core.create_document("receipt", lines=[LineSpec("MILK", count, "A1")], partner="V1")

    def write(s: Session) -> None:
        doc_id = _ids(s, "documents", "number", doc.number)
        line = _ids(s, "document_lines", "document_id", str(doc_id))
        lot0 = int(s.execute(text("SELECT min(id) FROM lots WHERE lot LIKE 'BL%'")).scalar_one())
        first = ledger_seq.take(s, count)  # the one counter: the triggers accept these seqs
        args = {
            "first": first,
            "count": count,
            "lot0": lot0,
            "lots": LOTS,
            "item": _ids(s, "items", "sku", "MILK"),
            "doc": doc_id,
            "line": line,
            "partner": _ids(s, "partners", "code", "V1"),
            "loc": _ids(s, "locations", "code", "A1"),
            "at": at,
        }
        s.execute(text(_LOT_RECORDS).bindparams(bindparam("at", type_=UtcDateTime())), args)
        # the stock the records say: count spread round-robin over the lots
        s.execute(
            text(
                "UPDATE lot_stock SET on_hand = on_hand + :count / :lots"
                " + CASE WHEN lot_id - :lot0 < :count % :lots THEN 1 ELSE 0 END"
                " WHERE lot_id >= :lot0 AND lot_id < :lot0 + :lots"
            ),
            {"count": count, "lots": LOTS, "lot0": lot0},
        )
        s.execute(
            text(
                "UPDATE documents SET status = 'posted', posted_at = :at WHERE id = :id"
            ).bindparams(bindparam("at", type_=UtcDateTime())),
            {"at": at, "id": doc_id},
        )

    core.db.run(write)


def seed(core: Tracking, records: int, *, chunks: int) -> dict[str, Any]:
    """A ledger of exactly ``records`` records, serial and lot ones interleaved by chunk."""
    at = core.clock()
    _make_lots(core, at)
    # a small document an ERP reads back after its post: 3 serials and 1 lot
    small = core.create_document(
        "receipt", lines=[LineSpec("LAP", 3, "A1"), LineSpec("MILK", 5, "A1")], partner="V1"
    ).number
    core.generate_serials(small, line=1, count=3)
    core.generate_lot(small, line=2, lot="SMALL-1", quantity=5)
    core.post(small)
    written = 4
    t = time.perf_counter()
    for k in range(chunks):
        want = records * (k + 1) // chunks - written
        received = want * 4 // 10
        shipped = received * 9 // 10  # most serials leave again: the stock is a tenth
        core.receive(item="LAP", location="A1", quantity=received, partner="V1")
        core.ship(item="LAP", location="A1", quantity=shipped, partner="C1")
        _lot_records(core, want - received - shipped, at)
        written += want
    seconds = time.perf_counter() - t
    if core.db.dialect == "postgresql":
        # what autovacuum does soon after such a load: the shipped serials' dead index
        # entries gone, the visibility map set (index-only scans) and the statistics fresh
        with core.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    last = core.ledger_page(since=0, limit=1).last
    if last != records:
        raise RuntimeError(f"seeded {last:,} ledger records, not {records:,}")
    return {"seconds": seconds, "small_document": small, "drifts": len(core.check_ledger().drifts)}


def _samples(client: FlaskClient, path: str, reps: int, headers: dict[str, str]) -> list[float]:
    out = []
    for _ in range(reps + 2):
        t = time.perf_counter()
        resp = client.get(f"/api/v1{path}", headers=headers)
        body = resp.get_data()  # a stream is read to its end
        out.append(time.perf_counter() - t)
        if resp.status_code != 200 or not body:
            raise RuntimeError(f"GET {path}: {resp.status_code} {body[:200]!r}")
    return out[2:]  # the first two warm the caches


def measure(url: str, records: int, reps: int, label: str) -> list[Row]:
    db = Database.from_url(url)
    core = Tracking(db)
    chunks = 5 if records >= 100_000 else 2
    seeded = seed(core, records, chunks=chunks)
    app = create_app({"TRACKING": core, "BOOTSTRAP_TOKEN": TOKEN, "MIGRATE": False})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    n = records
    reads: list[tuple[str, str]] = [
        (f"GET /ledger?since=0&limit={PAGE} (the start)", f"/ledger?since=0&limit={PAGE}"),
        (
            f"GET /ledger?since=N-{PAGE + 500}&limit={PAGE} (near the end)",
            f"/ledger?since={n - PAGE - 500}&limit={PAGE}",
        ),
        ("GET /ledger?since=N (at the end: empty)", f"/ledger?since={n}"),
        (
            f"GET /ledger?since=N-{STREAM}&format=csv ({STREAM:,} records streamed)",
            f"/ledger?since={max(0, n - STREAM)}&format=csv",
        ),
        ("GET /documents/{n} (3 serials, 1 lot)", f"/documents/{seeded['small_document']}"),
        ("GET /stock", "/stock"),
        ("GET /stock?item=LAP (serials)", "/stock?item=LAP"),
        ("GET /stock?item=MILK (1,000 lots)", "/stock?item=MILK"),
    ]
    rows: list[Row] = [
        {
            "name": f"seed {records:,} ledger records ({label})",
            "value": round(seeded["seconds"], 1),
            "unit": "s",
            "database": label,
        },
        {
            "name": f"places where the seeded ledger is not the stock (check) ({label})",
            "value": seeded["drifts"],
            "unit": "",
            "database": label,
        },
    ]
    for name, path in reads:
        got = _samples(client, path, reps, auth)
        p50, p99 = _pct(got, 0.5) * 1000, _pct(got, 0.99) * 1000
        rows.append(
            {
                "name": f"{name} @ {records:,} records ({label})",
                "value": f"p50 {_short_ms(p50)} ms, p99 {_short_ms(p99)} ms",
                "unit": "",
                "p50_ms": round(p50, 3),
                "p99_ms": round(p99, 3),
                "samples": len(got),
                "path": path,
                "database": label,
            }
        )
    db.dispose()
    return rows


def run(
    *, database_url: str | None, work: Path, quick: bool, records: int | None = None
) -> list[Row]:
    records = records or (10_000 if quick else 1_000_000)
    reps = 5 if quick else 100
    tmp = Path(tempfile.mkdtemp(prefix="api-bench-", dir=work))
    try:
        _fresh(None, tmp, "api").db.dispose()  # migrated, with the items and places
        rows = measure(f"sqlite:///{tmp / 'api.db'}", records, reps, "SQLite")
        if database_url and database_url.startswith("postgresql"):
            _fresh(database_url, tmp, "api").db.dispose()
            rows += measure(database_url, records, reps, "PostgreSQL")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows
