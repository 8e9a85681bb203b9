"""Upgrading a database from before lot unit costs: each lot gets the cost its ledger says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from tracking_core.core import Tracking
from tracking_core.db import Database, make_engine
from tracking_core.migrate import upgrade

AT = "2026-11-24 09:00:00+00:00"
OLD_DATA = [
    "INSERT INTO items (id, sku, description, tracking, uom, standard_cost)"
    " VALUES (1, 'MILK', '', 'lot', 'EA', 0)",
    "INSERT INTO locations (id, code, name, kind)"
    " VALUES (1, 'A1', '', 'bin'), (2, 'A2', '', 'bin')",
    f"INSERT INTO documents (id, number, doc_type, status, created_at)"
    f" VALUES (1, 'RC-1', 'receipt', 'posted', '{AT}'), (2, 'TR-1', 'transfer', 'posted', '{AT}')",
    "INSERT INTO document_lines (id, document_id, line_no, item_id, direction, quantity,"
    " unit_cost, location_id, to_location_id)"
    " VALUES (1, 1, 1, 1, 'in', 60, 2.40, 1, NULL), (2, 2, 1, 1, 'out', 20, 2.50, 1, 2)",
    f"INSERT INTO lots (id, item_id, lot, status, created_at)"
    f" VALUES (1, 1, 'L1', 'available', '{AT}')",
    "INSERT INTO lot_stock (lot_id, location_id, on_hand, allocated)"
    " VALUES (1, 1, 40, 0), (1, 2, 20, 0)",
    # the old costing: a transfer at the line's cost, not the lot's
    f"INSERT INTO lot_transactions (lot_id, item_id, document_id, line_id, doc_type,"
    f" from_location_id, to_location_id, quantity, cost, posted_at) VALUES"
    f" (1, 1, 1, 1, 'receipt', NULL, 1, 60, 144.00, '{AT}'),"
    f" (1, 1, 2, 2, 'transfer', 1, 2, 20, 50.00, '{AT}')",
]


def test_an_old_lot_gets_its_ledger_unit_cost_and_check_shows_the_rest(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    with engine.begin() as c:
        for sql in OLD_DATA:
            c.execute(text(sql))
    upgrade(engine)
    engine.dispose()
    db = Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")
    core = Tracking(db)
    assert [r.value for r in core.stock(item="MILK")] == [Decimal("96.00"), Decimal("48.00")]
    check = core.check_ledger()
    # the old transfer at 2.50 left A1 2.00 short and A2 2.00 over: shown, to adjust
    assert [(d.location, d.ledger_value, d.on_hand_value) for d in check.drifts] == [
        ("A1", Decimal("94.00"), Decimal("96.00")),
        ("A2", Decimal("50.00"), Decimal("48.00")),
    ]
    db.dispose()
